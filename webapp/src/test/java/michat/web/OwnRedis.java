package michat.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A redis-server of a test's own on a free port, to freeze (SIGSTOP), thaw, kill and start again —
 * never the machine's shared Redis.
 */
final class OwnRedis implements AutoCloseable {
  final int port = TestServer.freePort();
  private Process process;

  OwnRedis() throws Exception {
    boolean present = Files.isExecutable(Paths.get("/usr/bin/redis-server"));
    if (!present && System.getenv("CI") != null) {
      Assertions.fail("redis-server is not installed and CI is set: .ci/run installs it");
    }
    Assumptions.assumeTrue(present, "redis-server not installed");
    start();
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts it (again: empty, it keeps nothing on disk). */
  void start() throws Exception {
    Path dir = Files.createTempDirectory("michat-redis-");
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!TestServer.isListening(port)) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new IllegalStateException("redis-server did not start on " + port);
      }
      Thread.sleep(50);
    }
  }

  /** SIGSTOP: connections stay open, nothing is answered. */
  void freeze() throws Exception {
    signal("STOP");
  }

  void thaw() throws Exception {
    signal("CONT");
  }

  void kill() throws Exception {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  private void signal(String name) throws Exception {
    int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    Assertions.assertEquals(0, rc, "kill -" + name + " " + process.pid());
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      signal("CONT");
      kill();
    }
  }
}
