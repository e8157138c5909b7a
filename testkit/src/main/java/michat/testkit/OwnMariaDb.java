package michat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A MariaDB server of one's own — a fresh data directory, a free port, root without a password —
 * to freeze (SIGSTOP), thaw, kill and start again, as an operator's database fails. Never the
 * machine's shared MariaDB on 3306.
 */
public final class OwnMariaDb extends OwnServer {
  private static final Path SERVER = Paths.get("/usr/sbin/mariadbd");
  private static final Path INSTALL = Paths.get("/usr/bin/mariadb-install-db");

  public final int port = Loopback.freePort();
  private final Path dir;

  /** Whether Debian's mariadb-server is installed (the constructor needs it). */
  public static boolean installed() {
    return Files.isExecutable(SERVER) && Files.isExecutable(INSTALL);
  }

  public OwnMariaDb() throws IOException, InterruptedException {
    if (!installed()) {
      throw new IllegalStateException("mariadbd or mariadb-install-db is missing: install mariadb-server");
    }
    dir = Files.createTempDirectory("michat-mariadb-");
    List<String> install = new ArrayList<>(List.of(INSTALL.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
        "--auth-root-authentication-method=normal", "--skip-test-db"));
    asRoot(install);
    Process p = new ProcessBuilder(install).redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
    }
    start();
  }

  /** The michat URL of a database on this server. */
  public String url(String database) {
    return "mysql://root@127.0.0.1:" + port + "/" + database;
  }

  /** Starts it (again, after {@link #kill}: InnoDB recovers what was committed). */
  public void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
        "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
        "--pid-file=" + dir.resolve("mysqld.pid"), "--skip-log-bin", "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M", "--max-connections=200"));
    asRoot(cmd);
    Path log = dir.resolve("server.log");
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Loopback.awaitListening(port, process, 30_000, "mariadbd", () -> read(log));
  }

  /** After a test, whatever it did: running and answering. */
  public void ensureRunning() throws IOException, InterruptedException {
    if (process.isAlive()) {
      thaw();
    } else {
      start();
    }
  }

  /** mariadbd refuses to run as root unless told to. */
  private static void asRoot(List<String> cmd) {
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--user=root");
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
