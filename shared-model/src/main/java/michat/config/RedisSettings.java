package michat.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where Redis is, from {@code redis.url} ({@code redis://[:password@]host:port[/db]}) or the original's
 * {@code redis.addr} ({@code host:port}) with {@code redis.password} and {@code redis.DB}. Absent
 * when unset: presence then lives in Vert.x shared data.
 */
public record RedisSettings(String host, int port, String password, int db) {

  public static Optional<RedisSettings> from(MichatConfig cfg) {
    if (!cfg.isSet(ConfigKeys.REDIS_URL)) {
      return Optional.empty();
    }
    String raw = cfg.string(ConfigKeys.REDIS_URL);
    String password = cfg.string(ConfigKeys.REDIS_PASSWORD);
    int db = cfg.integer(ConfigKeys.REDIS_DB, 0, 1023);
    if (!raw.contains("://")) {
      raw = "redis://" + raw;
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw cfg.invalid(ConfigKeys.REDIS_URL, "not a URL (" + e.getReason() + "); expected redis://host:6379 or host:6379");
    }
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
      throw cfg.invalid(ConfigKeys.REDIS_URL, "expected redis://host:6379 or host:6379");
    }
    if (uri.getUserInfo() != null) {
      String info = uri.getUserInfo();
      password = info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (!path.isEmpty()) {
      try {
        db = Integer.parseInt(path);
      } catch (NumberFormatException e) {
        throw cfg.invalid(ConfigKeys.REDIS_URL, "database after '/' must be a number, got '" + path + "'");
      }
    }
    return Optional.of(new RedisSettings(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), password, db));
  }

  /** Connection string for vertx-redis-client. */
  public String connectionString() {
    String auth = password.isEmpty() ? "" : ":" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8) + "@";
    return "redis://" + auth + host + ":" + port + "/" + db;
  }

  /** For logs: never shows the password. */
  public String describe() {
    return "Redis " + host + ":" + port + "/" + db;
  }

  @Override
  public String toString() {
    return describe();
  }
}
