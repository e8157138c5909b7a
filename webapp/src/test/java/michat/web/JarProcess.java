package michat.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The fat jar started as a child process, as a person would: {@code java -jar webapp/target/mi-chat.jar}. */
public final class JarProcess implements AutoCloseable {
  final Process process;
  final Path workDir;
  final Path stdout;
  final Path stderr;

  private JarProcess(Process process, Path workDir, Path stdout, Path stderr) {
    this.process = process;
    this.workDir = workDir;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static Path jar() {
    Path jar = Paths.get(System.getProperty("michat.jar", "target/mi-chat.jar")).toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " missing: run through 'mvn verify' so the jar is built first");
    }
    return jar;
  }

  static JarProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    return start(workDir, "stdout", env, args);
  }

  public static JarProcess start(Path workDir, String name, Map<String, String> env, String... args) throws IOException {
    return startJar(workDir, name, env, jar(), args);
  }

  /** Another fat jar (examples/notifier's), started the same way. */
  public static JarProcess startJar(Path workDir, String name, Map<String, String> env, Path jar, String... args)
      throws IOException {
    return run(workDir, name, env, List.of("-jar", jar.toString()), args);
  }

  /** A main class of the tests, with the jar's classes (Vert.x, Hazelcast, michat's own) on its class path. */
  static JarProcess startMain(Path workDir, String name, Map<String, String> env, Class<?> main, String... args)
      throws IOException {
    String classPath = jar() + java.io.File.pathSeparator + Paths.get("target", "test-classes").toAbsolutePath();
    return run(workDir, name, env, List.of("-cp", classPath, main.getName()), args);
  }

  private static JarProcess run(Path workDir, String name, Map<String, String> env, List<String> launch, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m"));
    cmd.addAll(launch);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MICHAT_") || k.equals("PORT"));
    pb.environment().putAll(env);
    pb.environment().put("REDGATE_DISABLE_TELEMETRY", "true");
    Path out = Files.createTempFile(workDir, name + "-out-", ".log");
    Path err = Files.createTempFile(workDir, name + "-err-", ".log");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new JarProcess(pb.start(), workDir, out, err);
  }

  /** Waits for the start-up line; fails with what the process printed if it exits or takes too long. */
  public JarProcess awaitStarted(Duration timeout) throws Exception {
    return awaitLog("michat started", timeout);
  }

  /** Waits until the log (stderr) holds {@code text}; fails with the log if the process exits or it takes too long. */
  public JarProcess awaitLog(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (stderrText().contains(text)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("exited with " + process.exitValue() + " before '" + text + "': " + stderrText());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no '" + text + "' in " + timeout + ": " + stderrText());
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("michat did not exit in " + timeout);
    }
    return process.exitValue();
  }

  public String stderrText() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  public String stdoutText() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  /** SIGKILL: the JVM dies at once, nothing runs. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, as an operator or Kubernetes stops it. */
  public int stop() throws InterruptedException {
    process.destroy();
    return awaitExit(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
