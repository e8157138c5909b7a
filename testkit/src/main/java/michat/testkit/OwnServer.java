package michat.testkit;

import java.util.concurrent.TimeUnit;

/** A server process of one's own, failed as an operator's fails: frozen, thawed, killed. */
abstract class OwnServer implements AutoCloseable {
  /** The running server; replaced by each start. */
  protected Process process;

  /** SIGSTOP: connections stay open and are accepted, nothing is answered. */
  public void freeze() {
    Signals.send(process, "STOP");
  }

  /** SIGCONT: what was sent meanwhile is carried out now. */
  public void thaw() {
    Signals.send(process, "CONT");
  }

  /** {@code kill -9}: connections refused until it is started again. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops it whatever state a test left it in. */
  protected void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      thaw();
      kill();
    }
  }
}
