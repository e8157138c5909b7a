package michat.testkit;

import java.io.IOException;

/** Signals to a process, as an operator's {@code kill} sends them. */
public final class Signals {
  private Signals() {
  }

  public static void send(Process process, String signal) {
    try {
      int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + rc);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
