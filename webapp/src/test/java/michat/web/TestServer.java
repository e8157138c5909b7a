package michat.web;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.testkit.Loopback;
import michat.testkit.OwnMariaDb;
import michat.testkit.OwnRedis;
import michat.testkit.TcpRelay;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real michat started in-process on a free port — on the embedded default (H2 in a temporary data
 * directory) or on the MariaDB at 127.0.0.1:3306 — and an HTTP client to drive it.
 */
public final class TestServer implements AutoCloseable {
  public static final String MARIADB_URL = "mysql://root@127.0.0.1:3306/";
  /** Fresh for every test JVM: the token-secret rule refuses fixed, guessable values (TokenSecretRule). */
  public static final String SECRET = michat.auth.TokenSecret.generate();

  public final Path dataDir;
  public final int port;
  public final MichatApp app;
  public final WebClient client;
  private final String mysqlDatabase;

  private TestServer(Path dataDir, int port, MichatApp app, String mysqlDatabase) {
    this.dataDir = dataDir;
    this.port = port;
    this.app = app;
    this.mysqlDatabase = mysqlDatabase;
    this.client = WebClient.create(app.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(port).setFollowRedirects(false));
  }

  public static TestServer embedded() {
    return start(baseEnv(tempDir()), null);
  }

  public static TestServer embedded(Path dataDir, Map<String, String> extra) {
    Map<String, String> env = baseEnv(dataDir);
    env.putAll(extra);
    return start(env, null);
  }

  /** On MariaDB, in a database of its own, dropped first so that every run starts empty. */
  public static TestServer mariadb(String database) {
    return mariadb(database, null);
  }

  /** On MariaDB and, when {@code redisUrl} is given, Redis. */
  public static TestServer mariadb(String database, String redisUrl) {
    requireMariaDb();
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS `" + database + "`");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> env = baseEnv(tempDir());
    env.put("MICHAT_MYSQL_URL", MARIADB_URL + database);
    env.put("MICHAT_TOKEN_SECRET", SECRET);
    if (redisUrl != null) {
      env.put("MICHAT_REDIS_URL", redisUrl);
    }
    return start(env, database);
  }

  /**
   * For a test of michat as separate JVMs on MariaDB and Redis: {@code database} dropped and Redis
   * {@code redisDb} emptied, so that the run starts empty, and the environment that points michat's
   * JVMs at them, clustered under {@code clusterName} from {@code clusterPort} (cluster credentials
   * not included).
   */
  public static Map<String, String> clusterEnv(String database, int redisDb, String clusterName, int clusterPort)
      throws Exception {
    requireMariaDb();
    requireRedis();
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS `" + database + "`");
    }
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.redis.client.Redis redis = io.vertx.redis.client.Redis.createClient(vertx,
          new io.vertx.redis.client.RedisOptions().setConnectionString("redis://127.0.0.1:6379/" + redisDb));
      await(io.vertx.redis.client.RedisAPI.api(redis).flushdb(java.util.List.of()));
      redis.close();
    } finally {
      await(vertx.close());
    }
    Map<String, String> env = new HashMap<>();
    env.put("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:3306/" + database);
    env.put("MICHAT_TOKEN_SECRET", SECRET);
    env.put("MICHAT_REDIS_URL", "redis://127.0.0.1:6379/" + redisDb);
    env.put("MICHAT_PASSWORD_ITERATIONS", "1000");
    env.put("MICHAT_CLUSTER", "true");
    env.put("MICHAT_CLUSTER_NAME", clusterName);
    env.put("MICHAT_CLUSTER_PORT", Integer.toString(clusterPort));
    return env;
  }

  /** A form POST to the michat on {@code port}, with the token when given. */
  public static HttpResponse<Buffer> post(WebClient http, int port, String path, Map<String, String> form, String token) {
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    form.forEach(body::add);
    HttpRequest<Buffer> req = http.post(port, "127.0.0.1", path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(req.sendForm(body));
  }

  /** MariaDB must be there under CI (a missing server fails the build); elsewhere its tests are skipped. */
  public static void requireMariaDb() {
    boolean up = isListening(3306);
    if (!up && System.getenv("CI") != null) {
      Assertions.fail("MariaDB is not reachable on 127.0.0.1:3306 and CI is set: start it (see .ci/run)");
    }
    Assumptions.assumeTrue(up, "MariaDB not running on 127.0.0.1:3306");
  }

  public static void requireRedis() {
    boolean up = isListening(6379);
    if (!up && System.getenv("CI") != null) {
      Assertions.fail("Redis is not reachable on 127.0.0.1:6379 and CI is set: start it (see .ci/run)");
    }
    Assumptions.assumeTrue(up, "Redis not running on 127.0.0.1:6379");
  }

  static Map<String, String> baseEnv(Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", Integer.toString(freePort()));
    env.put("MICHAT_HTTP_HOST", "127.0.0.1");
    env.put("MICHAT_DATA_DIR", dataDir.toString());
    // The production default (600k) costs ~0.3 s per hash; tests check the mechanism, not the cost.
    env.put("MICHAT_PASSWORD_ITERATIONS", "1000");
    env.put("MICHAT_UPLOAD_MAX_BYTES", "200000");
    // Tests send faster than people type; ProtectionTest checks the rate limit itself.
    env.put("MICHAT_GATEWAY_MESSAGES_PER_SECOND", "100000");
    env.put("MICHAT_GATEWAY_MESSAGE_BURST", "100000");
    return env;
  }

  static TestServer start(Map<String, String> env, String mysqlDatabase) {
    MichatConfig cfg = MichatConfig.load(null, env);
    try {
      MichatApp app = MichatApp.start(cfg, false).await(60, TimeUnit.SECONDS);
      return new TestServer(Path.of(env.get("MICHAT_DATA_DIR")), Integer.parseInt(env.get("PORT")), app, mysqlDatabase);
    } catch (Exception e) {
      throw new IllegalStateException("michat did not start: " + e.getMessage(), e);
    }
  }

  /** A server started some other way (e.g. clustered) from {@code env}, with the embedded store. */
  static TestServer wrap(MichatApp app, Map<String, String> env) {
    return new TestServer(Path.of(env.get("MICHAT_DATA_DIR")), Integer.parseInt(env.get("PORT")), app, null);
  }

  // ---- HTTP ----

  public HttpResponse<Buffer> post(String path, Map<String, String> form) {
    return post(path, form, null);
  }

  public HttpResponse<Buffer> post(String path, Map<String, String> form, String token) {
    HttpRequest<Buffer> req = client.post(path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    form.forEach(body::add);
    return await(req.sendForm(body));
  }

  public HttpResponse<Buffer> get(String path) {
    return await(client.get(path).send());
  }

  public static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The status michat means by an answer: ginchat routes answer every error with HTTP 200 (as the
   * original did) and say the real status in X-Michat-Status; pages and files have only the HTTP one.
   */
  public static int status(HttpResponse<Buffer> r) {
    String michat = r.getHeader("X-Michat-Status");
    return michat == null ? r.statusCode() : Integer.parseInt(michat);
  }

  /**
   * michat on a fresh database {@code database} of the machine's MariaDB, reached through {@code relay}
   * (a {@link TcpRelay} in front of 3306) so that a test can fail it without touching the server.
   */
  static TestServer mariaDbBehind(TcpRelay relay, String database) throws Exception {
    requireMariaDb();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
         java.sql.Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database);
    }
    Map<String, String> env = new HashMap<>(baseEnv(tempDir()));
    env.put("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:" + relay.port + "/" + database);
    env.put("MICHAT_TOKEN_SECRET", SECRET);
    return start(env, database);
  }

  /** Whether presence has the user online now (false when presence does not answer). */
  boolean online(long userId) {
    try {
      return await(michat.contract.ServiceBus.of(app.vertx()).request(michat.contract.PresenceApi.ONLINE,
          new michat.contract.PresenceApi.OnlineQuery(java.util.List.of(userId)))).userIds().contains(userId);
    } catch (RuntimeException e) {
      return false;
    }
  }

  public static JsonObject json(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject();
  }

  /** Registers and logs in a new user; returns the login reply's data (ID, Identity = token). */
  public JsonObject newUser(String name) {
    HttpResponse<Buffer> reg = post("/user/createUser", Map.of("name", name, "password", "pw-" + name, "Identity", "pw-" + name));
    Assertions.assertEquals(200, reg.statusCode(), reg.bodyAsString());
    HttpResponse<Buffer> login = post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "pw-" + name));
    Assertions.assertEquals(200, login.statusCode(), login.bodyAsString());
    return json(login).getJsonObject("data");
  }

  /**
   * A client whose connections come from {@code localAddress} (any 127.0.0.x: the server tells client
   * addresses apart, e.g. for per-address limits), with at most this many connections at once.
   */
  public WebClient clientFrom(String localAddress, int connections) {
    return WebClient.create(app.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setLocalAddress(localAddress), new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Registers {@code name} with the password {@code "pw-" + name}, as {@link #newUser} does. */
  public static io.vertx.core.Future<HttpResponse<Buffer>> register(WebClient client, String name) {
    return client.post("/user/createUser").sendForm(MultiMap.caseInsensitiveMultiMap()
        .add("name", name).add("password", "pw-" + name).add("Identity", "pw-" + name));
  }

  public static io.vertx.core.Future<HttpResponse<Buffer>> login(WebClient client, String name, String password) {
    return client.post("/user/findUserByNameAndPwd")
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("name", name).add("password", password));
  }

  // ---- direct SQL, to check what is stored ----

  public String queryString(String sql, Object param) {
    String url = mysqlDatabase != null
        ? "jdbc:mariadb://127.0.0.1:3306/" + mysqlDatabase
        : "jdbc:h2:file:" + dataDir.resolve("michat") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
    try (Connection c = DriverManager.getConnection(url, mysqlDatabase != null ? "root" : "sa", "");
         var st = c.prepareStatement(sql)) {
      st.setObject(1, param);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String sql, Object param) {
    String v = queryString(sql, param);
    return v == null ? 0 : Long.parseLong(v);
  }

  @Override
  public void close() {
    client.close();
    await(app.close());
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("michat-test-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The token with one character of its signature changed. Not one of the last two: the last
   * character of a base64url HMAC signature carries padding bits a decoder ignores, so changing it
   * could leave the signature valid (once in about a thousand tokens, enough to make a test flaky).
   */
  static String forgedSignature(String token) {
    int i = token.length() - 6;
    return token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
  }

  public static int freePort() {
    return Loopback.freePort();
  }

  static boolean isListening(int port) {
    return Loopback.isListening(port);
  }

  /** A MariaDB of the test's own; skipped where mariadb-server is missing, but never in CI (.ci/run installs it). */
  static OwnMariaDb ownMariaDb() throws Exception {
    requireInstalled(OwnMariaDb.installed(), "mariadb-server");
    return new OwnMariaDb();
  }

  /** A Redis of the test's own; skipped where redis-server is missing, but never in CI. */
  static OwnRedis ownRedis() throws Exception {
    requireInstalled(OwnRedis.installed(), "redis-server");
    return new OwnRedis();
  }

  private static void requireInstalled(boolean present, String what) {
    if (!present && System.getenv("CI") != null) {
      org.junit.jupiter.api.Assertions.fail(what + " is not installed and CI is set: .ci/run installs it");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present, what + " not installed");
  }
}
