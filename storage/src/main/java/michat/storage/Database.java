package michat.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import michat.config.ConfigException;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.MySqlSettings;
import michat.dependency.DependencyNoAnswer;
import michat.dependency.DependencyGuard;
import michat.metrics.MichatMetrics;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL store behind every service: MySQL/MariaDB when configured, else an H2 file database under
 * {@code data.dir} in MySQL mode. Both are reached through {@link Pool} with the same SQL; the schema
 * is created and upgraded by the Flyway migrations in {@code db/migration}.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final String H2_FILE = "michat";
  /** The name of MySQL/MariaDB in outage logs and metrics ({@code michat_dependency_up{dependency="mariadb"}}). */
  public static final String DEPENDENCY = "mariadb";

  private final MichatConfig cfg;
  private final Optional<MySqlSettings> mysql;

  public Database(MichatConfig cfg) {
    this.cfg = cfg;
    this.mysql = MySqlSettings.from(cfg);
  }

  /**
   * The one way services write: in a transaction. Vert.x 5.0.7's JDBC pool leaves a pooled connection
   * with auto-commit off after its first transaction, so a plain statement on the embedded H2 store
   * could stay uncommitted (invisible to others, lost on exit). An explicit transaction commits on
   * both stores. A failure of the COMMIT itself is a {@link CommitUnknown}, and a guarded pool's
   * {@code DependencyNoAnswer} (no answer in time) is alike: the transaction may still be applied.
   * Every other failure means nothing was written.
   */
  public static <T> Future<T> write(Pool pool, Function<SqlConnection, Future<T>> work) {
    // withConnection: a guarded pool bounds the whole transaction (DependencyNoAnswer when it hangs).
    return pool.withConnection(conn -> conn.begin()
        .compose(tx -> work.apply(conn).transform(done -> done.succeeded()
            // A COMMIT without an answer may still have been applied: say so, it is not a refusal.
            ? tx.commit().transform(c -> c.succeeded() ? Future.succeededFuture(done.result())
                : Future.<T>failedFuture(new CommitUnknown(c.cause())))
            : tx.rollback().transform(r -> Future.<T>failedFuture(done.cause())))));
  }

  /**
   * Whether a failed {@link #write} may still have been, or still be, applied: a commit without an
   * answer, or a guarded call that timed out while its transaction was under way. A lost connection
   * before the commit rolls the transaction back: nothing written.
   */
  public static boolean mayHaveWritten(Throwable err) {
    if (err instanceof CommitUnknown) {
      return true;
    }
    if (err instanceof DependencyNoAnswer noAnswer) {
      Future<?> late = noAnswer.lateOutcome();
      return !late.isComplete() || late.succeeded() || late.cause() instanceof CommitUnknown;
    }
    return false;
  }

  public boolean isEmbedded() {
    return mysql.isEmpty();
  }

  /** For logs: which store, never a password. */
  public String describe() {
    return mysql.map(MySqlSettings::describe)
        .orElseGet(() -> "embedded H2 " + h2File() + ".mv.db");
  }

  /**
   * The pool of this store. On MySQL/MariaDB every query and transaction goes through the database's
   * breaker ({@link DependencyGuard}); the embedded H2 runs in this process and needs none.
   */
  public Pool pool(Vertx vertx) {
    if (mysql.isPresent()) {
      return new GuardedPool(mysqlPool(vertx, mysql.get()), probePool(vertx, mysql.get()), guard(vertx));
    }
    return JDBCPool.pool(vertx,
        JdbcCodecs.install(new JDBCConnectOptions().setJdbcUrl(h2Url()).setUser("sa").setPassword("")),
        new PoolOptions().setMaxSize(cfg.integer(ConfigKeys.MYSQL_POOL_SIZE, 1, 256)));
  }

  /**
   * The breaker in front of MySQL/MariaDB, one per Vert.x instance (user-service and message-router
   * share it): calls fail fast while the database does not answer, and its outage is logged once.
   * Acquired for the pool, which releases it when closed.
   */
  private DependencyGuard guard(Vertx vertx) {
    return DependencyGuard.acquire(vertx, DEPENDENCY, DependencyGuard.Settings.from(cfg, ConfigKeys.STORAGE_CALL_TIMEOUT_MS),
        err -> !SqlErrors.isSilence(err), MichatMetrics.of(cfg));
  }

  /**
   * One connection of its own for the breaker's probe: through the pool, a probe waited behind every
   * call queued for a connection, so a busy pool (a burst of catch-ups, a slow machine) looked like a
   * silent database and opened the breaker — refusing messages the database would have stored.
   */
  private Pool probePool(Vertx vertx, MySqlSettings m) {
    return MySQLBuilder.pool()
        .with(new PoolOptions().setMaxSize(1))
        .connectingTo(new MySQLConnectOptions().setHost(m.host()).setPort(m.port())
            .setDatabase(m.database()).setUser(m.user()).setPassword(m.password()))
        .using(vertx)
        .build();
  }

  private Pool mysqlPool(Vertx vertx, MySqlSettings m) {
    return MySQLBuilder.pool()
        .with(new PoolOptions().setMaxSize(m.poolSize()))
        .connectingTo(new MySQLConnectOptions().setHost(m.host()).setPort(m.port())
            .setDatabase(m.database()).setUser(m.user()).setPassword(m.password())
            .setCharset("utf8mb4").setCollation("utf8mb4_bin")
            // Prepared once per connection, whatever their length: batched writes use about a hundred
            // distinct statements (SqlBatches: 31 row counts for each of three tables), and the
            // client's default caches only those shorter than 2,048 characters - a 64-row insert is
            // longer, so every large batch (the load peaks) was prepared, run and closed anew: two
            // more round trips and a parse of the whole text in MariaDB.
            .setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(512)
            .setPreparedStatementCacheSqlFilter(sql -> true)
            .setPipeliningLimit(16))
        // READ COMMITTED, as H2 runs: under InnoDB's default REPEATABLE READ, locking reads of
        // counter rows that do not exist yet take gap locks, and concurrent batches that then insert
        // into those gaps deadlock even though they touch different conversations.
        .withConnectHandler(conn -> conn.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").execute()
            .onComplete(done -> {
              if (done.failed()) {
                LOG.warn("could not set READ COMMITTED on a new MySQL connection: {}", done.cause().getMessage());
              }
              conn.close();   // hands the connection to the pool
            }))
        .using(vertx)
        .build();
  }

  /**
   * Creates the MySQL database if it is missing, then applies pending migrations. Blocking; any
   * failure becomes a {@link ConfigException} naming the setting at fault.
   */
  public void migrate() {
    migrateTo("latest");
  }

  /**
   * The same up to {@code version} ("latest": all): tests build a database of an older schema with it
   * to check that the next migration converts it in place.
   */
  public void migrateTo(String version) {
    try {
      if (mysql.isPresent()) {
        createDatabaseIfMissing(mysql.get());
      }
      Flyway flyway = Flyway.configure()
          .dataSource(jdbcUrl(), user(), password())
          .locations("classpath:db/migration")
          .placeholders(placeholders())
          .target(version)
          .connectRetries(0)
          .load();
      MigrateResult result = flyway.migrate();
      LOG.info("schema of {} at version {} ({} migration(s) applied now)", describe(),
          result.targetSchemaVersion != null ? result.targetSchemaVersion : flyway.info().current().getVersion(),
          result.migrationsExecuted);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException | SQLException e) {
      throw storageError(e);
    }
  }

  /** Turns a driver failure into the one line a person needs. */
  public ConfigException storageError(Throwable e) {
    String reason = rootMessage(e);
    if (mysql.isPresent()) {
      String setting = cfg.isSet(ConfigKeys.MYSQL_URL) ? ConfigKeys.MYSQL_URL.display() : ConfigKeys.MYSQL_HOST.display();
      return new ConfigException("setting " + setting + ": cannot use " + describe() + ": " + reason);
    }
    if (reason.contains("already in use") || reason.contains("locked")) {
      reason = "the database file is in use by another process (is michat already running with this data.dir?)";
    }
    return new ConfigException("setting " + ConfigKeys.DATA_DIR.display() + ": cannot use " + describe() + ": " + reason);
  }

  private void createDatabaseIfMissing(MySqlSettings m) throws SQLException {
    try (Connection c = DriverManager.getConnection(m.jdbcUrl(false), m.user(), m.password());
         Statement st = c.createStatement()) {
      // The name was checked against [A-Za-z0-9_]{1,64} in MySqlSettings, so quoting is enough.
      st.execute("CREATE DATABASE IF NOT EXISTS `" + m.database()
          + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
  }

  private Map<String, String> placeholders() {
    // MySQL needs explicit utf8mb4 and binary comparison of names; H2 (MySQL mode) already
    // compares strings exactly and does not accept these table options.
    // messageIdCache: see V4__message_id_cache.sql.
    return mysql.isPresent()
        ? Map.of("tableOptions", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", "exactText", "COLLATE utf8mb4_bin",
            "messageIdCache", "DO 0")
        : Map.of("tableOptions", "", "exactText", "",
            "messageIdCache", "ALTER TABLE messages ALTER COLUMN id SET CACHE 10000");
  }

  private String jdbcUrl() {
    return mysql.map(m -> m.jdbcUrl(true)).orElseGet(this::h2Url);
  }

  private String user() {
    return mysql.map(MySqlSettings::user).orElse("sa");
  }

  private String password() {
    return mysql.map(MySqlSettings::password).orElse("");
  }

  private Path h2File() {
    return cfg.path(ConfigKeys.DATA_DIR).resolve(H2_FILE);
  }

  private String h2Url() {
    // QUERY_CACHE_SIZE: batched writes use about a hundred distinct statements (SqlBatches).
    // AUTO_COMPACT_FILL_RATE 50 (default 90): under a steady stream of messages H2's background
    // compaction kept rewriting live pages and throughput fell by two thirds as the file grew
    // (measured); now it compacts once half of the file is garbage. CACHE_SIZE in KB.
    // WRITE_DELAY 0 (default 500 ms): H2 writes a commit to its file at once instead of up to half a
    // second later from a background thread - a message is acknowledged after its commit, and with
    // the default a killed process took the acknowledged messages of its last half second with it
    // (LauncherIT). The file is written, not synced: a process crash loses nothing, a power cut may.
    return "jdbc:h2:file:" + h2File() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;QUERY_CACHE_SIZE=256"
        + ";AUTO_COMPACT_FILL_RATE=50;CACHE_SIZE=131072;WRITE_DELAY=0";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    msg = msg.replaceAll("\\s+", " ").trim();
    return msg.length() > 300 ? msg.substring(0, 300) + "…" : msg;
  }
}
