package michat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.web.MichatApp;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * CI smoke run of every scenario at a small size against a real michat started in-process: on the
 * embedded default, and on MariaDB + Redis (required under CI). Asserts zero lost and zero
 * duplicated and that the report carries its figures — not the performance targets.
 */
class BenchSmokeTest {
  private static final String SECRET = "bench-smoke-secret-0123456789-0123456789";

  @Test
  void everyScenarioOnTheEmbeddedDefault() throws Exception {
    Map<String, String> env = baseEnv();
    onServer(env, bench -> {
      Report c = bench.run(connections(env, 200, 400, 2));
      assertOk(c, "connect_rate_per_s", "server_heap_used_bytes_per_session", "server_rss_bytes_per_session");
      assertEquals(200L, c.number("connected"));
      assertEquals(200.0, c.decimal("server_sessions_open"), 0.0, c.json());

      BenchOptions priv = options(env, "private");
      priv.sessions = 100;
      priv.rate = 300;
      priv.durationSeconds = 3;
      Report p = bench.run(priv);
      assertOk(p, "latency_p99_ms", "latency_p999_ms", "delivered_per_s", "server_store_mean_ms", "acknowledged_per_s");
      assertTrue(p.number("delivered") > 500, p.json());
      assertEquals(p.number("sent"), p.number("delivered"), p.json());
      assertEquals(p.number("sent"), p.number("acknowledged"), "protocol 2: every message acknowledged once stored");

      Report g = bench.run(group(env, 4, 25, 40, 3));
      assertOk(g, "latency_p99_ms", "delivered_per_s");
      assertEquals(g.number("sent") * 25, g.number("delivered"), g.json());
    });
  }

  @Test
  void sessionsHeartbeatWhileOthersAreStillConnecting() throws Exception {
    Map<String, String> env = baseEnv();
    env.put("MICHAT_HEARTBEAT_MAX_IDLE_SECONDS", "3");   // a connect phase of 6 s outlasts it
    env.put("MICHAT_HEARTBEAT_FIRST_SWEEP_SECONDS", "1");
    env.put("MICHAT_HEARTBEAT_SWEEP_SECONDS", "1");
    onServer(env, bench -> {
      BenchOptions conn = connections(env, 60, 10, 2);
      conn.heartbeatSeconds = 1;
      Report c = bench.run(conn);
      assertOk(c);
      assertEquals(0L, c.number("closed_by_server"), "no session was idle while others connected: " + c.json());
      assertEquals(60.0, c.decimal("server_sessions_open"), 0.0, c.json());
    });
  }

  @Test
  void privateAndGroupOnMariaDbAndRedis() throws Exception {
    require(3306, "MariaDB");
    require(6379, "Redis");
    String database = "michat_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, String> env = baseEnv();
    env.put("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:3306/" + database);
    env.put("MICHAT_REDIS_URL", "redis://127.0.0.1:6379/12");
    env.put("MICHAT_TOKEN_SECRET", michat.auth.TokenSecret.generate());
    try {
      onServer(env, bench -> privateAndGroup(env, bench));
    } finally {
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
           Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS `" + database + "`");
      }
    }
  }

  /** Private messages with a warm-up, then group messages, on one server. */
  private static void privateAndGroup(Map<String, String> env, Bench bench) {
    BenchOptions priv = options(env, "private");
    priv.sessions = 60;
    priv.rate = 200;
    priv.durationSeconds = 2;
    priv.warmupSeconds = 1;
    Report w = bench.warmUp(priv);
    assertOk(w, "latency_p99_ms", "delivered_per_s");
    assertEquals(1L, w.number("duration_s"), "the warm-up runs for --warmup seconds: " + w.json());
    assertTrue(w.number("delivered") > 0, w.json());
    Report p = bench.run(priv);
    assertOk(p, "latency_p99_ms", "delivered_per_s");
    assertEquals(p.number("sent"), p.number("delivered"), p.json());

    Report g = bench.run(group(env, 3, 20, 30, 2));
    assertOk(g, "latency_p99_ms", "delivered_per_s");
  }

  private static void assertOk(Report r, String... figures) {
    String json = r.json();
    JsonObject parsed = new JsonObject(json);
    assertEquals(0L, r.number("lost"), json);
    assertEquals(0L, r.number("duplicated"), json);
    assertEquals(0L, r.number("rejected"), json);
    assertEquals(0L, r.number("connect_failures"), json);
    assertTrue(r.ok(), json);
    assertTrue(parsed.getBoolean("ok"), json);
    assertTrue(r.table().contains("lost"), r.table());
    for (String f : figures) {
      assertTrue(parsed.getValue(f) instanceof Number, f + " missing in " + json);
    }
  }

  /** What a test does with a running server and a bench pointed at it. */
  private interface OnServer {
    void run(Bench bench) throws Exception;
  }

  /** Starts michat with these settings, runs the body against it, stops it. */
  private static void onServer(Map<String, String> env, OnServer body) throws Exception {
    MichatApp app = start(env);
    try (Bench bench = new Bench(options(env, "connections"))) {
      body.run(bench);
    } finally {
      app.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The connections scenario: this many sessions at this rate per second, held for so many seconds. */
  private static BenchOptions connections(Map<String, String> env, int sessions, int connectRate, int holdSeconds) {
    BenchOptions o = options(env, "connections");
    o.sessions = sessions;
    o.connectRate = connectRate;
    o.holdSeconds = holdSeconds;
    return o;
  }

  /** The group scenario: groups of this size (every member a session), group messages per second, seconds. */
  private static BenchOptions group(Map<String, String> env, int groups, int groupSize, int rate, int seconds) {
    BenchOptions o = options(env, "group");
    o.groups = groups;
    o.groupSize = groupSize;
    o.sessions = groups * groupSize;
    o.rate = rate;
    o.durationSeconds = seconds;
    return o;
  }

  private static BenchOptions options(Map<String, String> env, String scenario) {
    BenchOptions o = new BenchOptions();
    o.scenario = scenario;
    o.url = "http://127.0.0.1:" + env.get("PORT");
    o.seedSecret = SECRET;
    o.quiet = true;
    o.drainSeconds = 10;
    o.heartbeatSeconds = 2;
    return o;
  }

  private static Map<String, String> baseEnv() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", Integer.toString(freePort()));
    env.put("MICHAT_HTTP_HOST", "127.0.0.1");
    env.put("MICHAT_DATA_DIR", Files.createTempDirectory("michat-bench-").toString());
    env.put("MICHAT_PASSWORD_ITERATIONS", "1000");
    env.put("MICHAT_BENCH_SEED_SECRET", SECRET);
    env.put("MICHAT_LOG_LEVEL", "WARN");
    return env;
  }

  private static MichatApp start(Map<String, String> env) throws Exception {
    return MichatApp.start(MichatConfig.load(null, env), false).await(60, TimeUnit.SECONDS);
  }

  /** Under CI a missing server fails the build; elsewhere the test is skipped. */
  private static void require(int port, String what) {
    boolean up;
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
      up = true;
    } catch (IOException e) {
      up = false;
    }
    if (!up && System.getenv("CI") != null) {
      Assertions.fail(what + " is not reachable on 127.0.0.1:" + port + " and CI is set: start it (see .ci/run)");
    }
    Assumptions.assumeTrue(up, what + " not running on 127.0.0.1:" + port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
