package michat.bench.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.testkit.Signals;

/**
 * One michat JVM of the fault matrix's cluster, started from the fat jar as an operator would, with
 * its roles and environment; killed, stopped and started again on the same ports.
 */
final class Node implements AutoCloseable {
  private static final long START_MS = 120_000;

  final String name;
  final int httpPort;
  final int managementPort;
  private final Path jar;
  private final Path logs;
  private final Map<String, String> env;
  private final String roles;
  private Process process;
  private Path stderr;

  Node(String name, String roles, Path jar, Path logs, Map<String, String> env, int httpPort, int managementPort) {
    this.name = name;
    this.roles = roles;
    this.jar = jar;
    this.logs = logs;
    this.env = env;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  /** Starts the JVM; {@link #awaitStarted} waits for it to say so. */
  Node start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "--roles", roles));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(logs.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MICHAT_") || k.equals("PORT"));
    pb.environment().putAll(env);
    pb.environment().put("PORT", Integer.toString(httpPort));
    pb.environment().put("MICHAT_MANAGEMENT_PORT", Integer.toString(managementPort));
    stderr = Files.createTempFile(logs, name + "-err-", ".log");
    pb.redirectOutput(Files.createTempFile(logs, name + "-out-", ".log").toFile()).redirectError(stderr.toFile());
    process = pb.start();
    return this;
  }

  /** Waits for the start-up line; fails with what the JVM printed if it exits or takes too long. */
  Node awaitStarted() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + START_MS;
    while (System.currentTimeMillis() < deadline) {
      if (log().contains("michat started")) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + log());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not start in " + START_MS / 1000 + " s: " + log());
  }

  /** {@code kill -9}: the JVM dies at once, nothing of it runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGSTOP: its sockets stay open, nothing is answered. */
  void freeze() {
    Signals.send(process, "STOP");
  }

  void thaw() {
    Signals.send(process, "CONT");
  }

  /**
   * As a supervisor (Kubernetes, systemd) does: if the JVM exits within {@code ms} — michat leaves by
   * itself after a pause that got it expelled from the cluster — it is started again.
   */
  void restartIfItExits(long ms) throws IOException, InterruptedException {
    if (process.waitFor(ms, TimeUnit.MILLISECONDS)) {
      System.err.printf("[faults] %s exited with %d; starting it again%n", name, process.exitValue());
      restart();
    }
  }

  /** Starts it again (after {@link #kill}) and waits until it runs. */
  void restart() throws IOException, InterruptedException {
    start().awaitStarted();
  }

  String log() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      Signals.send(process, "CONT");
      process.destroyForcibly();
    }
  }
}
