package michat.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the MySQL/MariaDB server is, from {@code mysql.url} (a {@code mysql://} URL or the original's Go
 * DSN {@code user:pass@tcp(host:port)/db?...}) or from the separate host/port/database/user/password
 * settings. Absent when neither {@code mysql.url} nor {@code mysql.host} is set: the embedded H2
 * database is used then.
 */
public record MySqlSettings(String host, int port, String database, String user, String password, int poolSize) {
  private static final Pattern GO_DSN = Pattern.compile("^(?:([^:@]*)(?::(.*))?@)?tcp\\(([^)]*)\\)/([^?]*)(?:\\?.*)?$");
  private static final Pattern DB_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

  public static Optional<MySqlSettings> from(MichatConfig cfg) {
    int pool = cfg.integer(ConfigKeys.MYSQL_POOL_SIZE, 1, 256);
    if (cfg.isSet(ConfigKeys.MYSQL_URL)) {
      return Optional.of(parseUrl(cfg, cfg.string(ConfigKeys.MYSQL_URL), pool));
    }
    if (!cfg.isSet(ConfigKeys.MYSQL_HOST)) {
      return Optional.empty();
    }
    String db = cfg.string(ConfigKeys.MYSQL_DATABASE);
    checkDatabase(cfg, ConfigKeys.MYSQL_DATABASE, db);
    return Optional.of(new MySqlSettings(cfg.string(ConfigKeys.MYSQL_HOST),
        cfg.integer(ConfigKeys.MYSQL_PORT, 1, 65535), db, cfg.string(ConfigKeys.MYSQL_USER),
        cfg.string(ConfigKeys.MYSQL_PASSWORD), pool));
  }

  /** For logs: never shows the password. */
  public String describe() {
    return "MySQL " + user + "@" + host + ":" + port + "/" + database;
  }

  public String jdbcUrl(boolean withDatabase) {
    return "jdbc:mariadb://" + host + ":" + port + "/" + (withDatabase ? database : "")
        + "?connectTimeout=5000&characterEncoding=utf8mb4";
  }

  private static MySqlSettings parseUrl(MichatConfig cfg, String raw, int pool) {
    Matcher go = GO_DSN.matcher(raw);
    if (go.matches()) {
      String[] hostPort = go.group(3).split(":", 2);
      int port = hostPort.length == 2 ? port(cfg, hostPort[1]) : 3306;
      String db = go.group(4);
      checkDatabase(cfg, ConfigKeys.MYSQL_URL, db);
      return new MySqlSettings(hostPort[0].isEmpty() ? "127.0.0.1" : hostPort[0], port, db,
          nullToEmpty(go.group(1)), nullToEmpty(go.group(2)), pool);
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw cfg.invalid(ConfigKeys.MYSQL_URL, "not a URL (" + e.getReason()
          + "); expected mysql://user:password@host:3306/database");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("mysql") || scheme.equals("mariadb"))) {
      throw cfg.invalid(ConfigKeys.MYSQL_URL, "scheme must be mysql:// (got '" + raw.replaceAll(":[^:@/]*@", ":***@")
          + "'); expected mysql://user:password@host:3306/database");
    }
    if (uri.getHost() == null) {
      throw cfg.invalid(ConfigKeys.MYSQL_URL, "has no host; expected mysql://user:password@host:3306/database");
    }
    String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (db.isEmpty()) {
      db = cfg.string(ConfigKeys.MYSQL_DATABASE);
    }
    checkDatabase(cfg, ConfigKeys.MYSQL_URL, db);
    String user = cfg.string(ConfigKeys.MYSQL_USER);
    String password = cfg.string(ConfigKeys.MYSQL_PASSWORD);
    if (uri.getRawUserInfo() != null) {
      String[] up = uri.getRawUserInfo().split(":", 2);
      user = decode(up[0]);
      password = up.length == 2 ? decode(up[1]) : "";
    }
    return new MySqlSettings(uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(), db, user, password, pool);
  }

  private static int port(MichatConfig cfg, String raw) {
    try {
      int p = Integer.parseInt(raw);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw cfg.invalid(ConfigKeys.MYSQL_URL, "port must be 1-65535, got '" + raw + "'");
  }

  private static void checkDatabase(MichatConfig cfg, ConfigKey key, String db) {
    if (!DB_NAME.matcher(db).matches()) {
      throw cfg.invalid(key, "database name must be 1-64 letters, digits or '_', got '" + db + "'");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  @Override
  public String toString() {
    return describe();
  }
}
