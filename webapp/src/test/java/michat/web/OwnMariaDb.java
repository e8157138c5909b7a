package michat.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server of a test's own — a fresh data directory, a free port, root without a password —
 * to freeze (SIGSTOP), thaw, kill and start again, as an operator's database fails. Never the
 * machine's shared MariaDB on 3306.
 */
final class OwnMariaDb implements AutoCloseable {
  private static final Path SERVER = Paths.get("/usr/sbin/mariadbd");
  private static final Path INSTALL = Paths.get("/usr/bin/mariadb-install-db");

  final int port = TestServer.freePort();
  private final Path dir;
  private Process process;

  OwnMariaDb() throws Exception {
    boolean present = Files.isExecutable(SERVER) && Files.isExecutable(INSTALL);
    if (!present && System.getenv("CI") != null) {
      Assertions.fail("mariadbd or mariadb-install-db is missing and CI is set: .ci/run installs mariadb-server");
    }
    Assumptions.assumeTrue(present, "mariadb-server not installed");
    dir = Files.createTempDirectory("michat-mariadb-");
    List<String> install = new ArrayList<>(List.of(INSTALL.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
        "--auth-root-authentication-method=normal", "--skip-test-db"));
    asRoot(install);
    Process p = new ProcessBuilder(install).redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
    Assertions.assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
        "mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
    start();
  }

  /** The michat URL of a database on this server. */
  String url(String database) {
    return "mysql://root@127.0.0.1:" + port + "/" + database;
  }

  /** Starts it (again, after {@link #kill}: InnoDB recovers what was committed). */
  void start() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
        "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
        "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-log-bin", "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M", "--max-connections=200"));
    asRoot(cmd);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!TestServer.isListening(port)) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new IllegalStateException("mariadbd did not start on " + port + ": " + Files.readString(dir.resolve("server.log")));
      }
      Thread.sleep(50);
    }
  }

  /** SIGSTOP: connections stay open and are accepted, nothing is answered. */
  void freeze() throws Exception {
    signal("STOP");
  }

  /** SIGCONT: what was sent meanwhile is carried out now. */
  void thaw() throws Exception {
    signal("CONT");
  }

  /** {@code kill -9}: connections refused until {@link #start}. */
  void kill() throws Exception {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** After a test, whatever it did: running and answering. */
  void ensureRunning() throws Exception {
    if (process.isAlive()) {
      thaw();
    } else {
      start();
    }
  }

  private void signal(String name) throws Exception {
    int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    Assertions.assertEquals(0, rc, "kill -" + name + " " + process.pid());
  }

  /** mariadbd refuses to run as root unless told to. */
  private static void asRoot(List<String> cmd) {
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--user=root");
    }
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      signal("CONT");
      kill();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
