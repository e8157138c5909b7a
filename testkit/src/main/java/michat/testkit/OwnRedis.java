package michat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A redis-server of one's own on a free port, to freeze (SIGSTOP), thaw, kill and start again —
 * never the machine's shared Redis.
 */
public final class OwnRedis extends OwnServer {
  public final int port = Loopback.freePort();

  /** Whether Debian's redis-server is installed (the constructor needs it). */
  public static boolean installed() {
    return Files.isExecutable(Paths.get("/usr/bin/redis-server"));
  }

  public OwnRedis() throws IOException, InterruptedException {
    if (!installed()) {
      throw new IllegalStateException("redis-server is not installed");
    }
    start();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts it (again: empty, it keeps nothing on disk). */
  public void start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("michat-redis-");
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    Loopback.awaitListening(port, process, 10_000, "redis-server", () -> "see " + dir.resolve("redis.log"));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
