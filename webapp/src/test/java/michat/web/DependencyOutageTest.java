package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.dependency.DependencyGuard;
import michat.metrics.MichatMetrics;
import michat.testkit.OwnMariaDb;
import michat.testkit.OwnRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Outages of MariaDB and Redis as an operator meets them — a MariaDB and a Redis of the test's own,
 * frozen (SIGSTOP) or killed ({@code kill -9}) and started again — while users chat: calls fail fast instead of each waiting for a timeout,
 * chat goes on without Redis (on one node and across two), {@code /ready} answers within a second,
 * and the outage is logged once, once per report interval and once when it is over, never per message.
 * Outages last {@code michat.outageMs} (default 3 s), so the whole class takes seconds.
 */
class DependencyOutageTest {
  private static final long OUTAGE_MS = Long.getLong("michat.outageMs", 3_000);
  /** Short, so that a test of a few seconds sees the periodic line; production says once a minute. */
  private static final int REPORT_SECONDS = 1;
  /** The guard's INFO line (the dependency is back) is part of what is checked; tests log WARN and above. */
  private static final Logger GUARD_LOG = (Logger) LoggerFactory.getLogger(DependencyGuard.class);

  @BeforeEach
  void guardLogsInfo() {
    GUARD_LOG.setLevel(Level.INFO);
  }

  @AfterEach
  void guardLogsAsConfigured() {
    GUARD_LOG.setLevel(null);
  }

  // ---- Redis: chat survives it ----

  @Test
  void privateAndGroupMessagesKeepArrivingWhileRedisIsFrozen() throws Exception {
    chatThroughARedisOutage(true);
  }

  @Test
  void privateAndGroupMessagesKeepArrivingWhileRedisIsKilled() throws Exception {
    chatThroughARedisOutage(false);
  }

  private void chatThroughARedisOutage(boolean freeze) throws Exception {
    try (OwnRedis redis = TestServer.ownRedis()) {
      TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_REDIS_URL", redis.url(),
          "MICHAT_DEPENDENCY_REPORT_INTERVAL_SECONDS", Integer.toString(REPORT_SECONDS)));
      try {
        int portB = secondGatewayNode(server);
        JsonObject a = server.newUser("ra");
        JsonObject b = server.newUser("rb");
        JsonObject c = server.newUser("rc");
        long aId = a.getLong("ID");
        long bId = b.getLong("ID");
        long cId = c.getLong("ID");
        long group = group(server, a, b, c);
        try (ChatClient ca = ChatClient.openV2(server, server.port, a); ChatClient cb = ChatClient.openV2(server, server.port, b);
             ChatClient cc = ChatClient.openV2(server, portB, c)) {
          roundOfMessages(ca, cb, cc, aId, bId, cId, group, "before", 10_000);

          if (freeze) {
            redis.freeze();
          } else {
            redis.kill();
          }
          long start = System.currentTimeMillis();
          int round = 0;
          do {
            // Presence does not answer: pushes go to every node, each serving its own sessions. The first
            // waits for the call timeout (1 s) and the probe; the others go at once.
            roundOfMessages(ca, cb, cc, aId, bId, cId, group, "during " + round++, round == 1 ? 4_000 : 1_500);
          } while (System.currentTimeMillis() - start < OUTAGE_MS);
          if (freeze) {
            HttpResponse<Buffer> ready = timed(server, "/ready");
            assertEquals(503, ready.statusCode(), ready.bodyAsString());
            assertEquals("DOWN", ready.bodyAsJsonObject().getJsonObject("checks").getString("redis"));
            assertEquals(200, timed(server, "/health").statusCode(), "the process itself is fine");
          }
          assertTrue(System.currentTimeMillis() - start < OUTAGE_MS + 10_000, "all this while Redis did not answer");

          if (freeze) {
            redis.thaw();
          } else {
            redis.start();
          }
          // a restarted Redis knows nobody until the gateways register their sessions again (within 3 s)
          for (long id : List.of(aId, bId, cId)) {
            assertTrue(ChatContract.eventually(() -> server.online(id)), "presence knows " + id + " again");
          }
          roundOfMessages(ca, cb, cc, aId, bId, cId, group, "after", 10_000);
          assertTrue(ChatContract.eventually(() -> timed(server, "/ready").statusCode() == 200), "ready again");
        }
      } finally {
        server.close();
      }
    }
  }

  /**
   * A second gateway node in the same Vert.x (its own node id and HTTP port): the router reaches it only
   * through its node's address, or the one for every node, as it would reach another JVM.
   */
  private static int secondGatewayNode(TestServer server) {
    int port = TestServer.freePort();
    MichatConfig b = server.app.config().with(ConfigKeys.NODE_ID, "node-b-" + port, "test")
        .with(ConfigKeys.HTTP_PORT, port, "test").with(ConfigKeys.ROLES, "gateway", "test");
    TestServer.await(server.app.vertx().deployVerticle(HttpVerticle::new, new DeploymentOptions().setConfig(b.toJson())));
    return port;
  }

  /** a → b (one node), a → c and c → a (two nodes), b to the group of the three; each must arrive in time. */
  private static void roundOfMessages(ChatClient ca, ChatClient cb, ChatClient cc, long aId, long bId, long cId,
                                      long group, String tag, long withinMs) {
    ca.send(ChatContract.text(aId, bId, tag + " a>b"));
    awaitMessage(cb, tag + " a>b", withinMs);
    ca.send(ChatContract.text(aId, cId, tag + " a>c"));
    awaitMessage(cc, tag + " a>c", withinMs);
    cc.send(ChatContract.text(cId, aId, tag + " c>a"));
    awaitMessage(ca, tag + " c>a", withinMs);
    cb.send(ChatContract.groupText(bId, group, tag + " group"));
    awaitMessage(ca, tag + " group", withinMs);
    awaitMessage(cc, tag + " group", withinMs);
  }

  /** Frames until the message with this content; acknowledgements, copies and receipts on the way are skipped. */
  private static void awaitMessage(ChatClient c, String content, long withinMs) {
    long deadline = System.currentTimeMillis() + withinMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      assertTrue(left > 0, "\"" + content + "\" did not arrive within " + withinMs + " ms");
      JsonObject f = new JsonObject(c.next(left));
      if ("msg".equals(f.getString("Type")) && content.equals(f.getJsonObject("message").getString("Content"))) {
        return;
      }
    }
  }

  // ---- MariaDB: fail fast, recover by itself, say so once ----

  @Test
  void aFrozenMariaDbIsRefusedFastReportedOnceAndRecoversByItself() throws Exception {
    mariaDbOutage(true);
  }

  @Test
  void aKilledMariaDbIsRefusedFastReportedOnceAndRecoversByItself() throws Exception {
    mariaDbOutage(false);
  }

  /** A MariaDB of the class's own, shared by its MariaDB tests (installing one takes seconds). */
  private static OwnMariaDb mariaDb;

  @AfterAll
  static void stopMariaDb() throws Exception {
    if (mariaDb != null) {
      mariaDb.close();
    }
  }

  /** michat on a database of the class's own MariaDB, with short timeouts. */
  private static TestServer onOwnMariaDb(String db, Map<String, String> extra) throws Exception {
    if (mariaDb == null) {
      mariaDb = TestServer.ownMariaDb();
    }
    Map<String, String> env = new HashMap<>(TestServer.baseEnv(TestServer.tempDir()));
    env.put("MICHAT_MYSQL_URL", mariaDb.url(db));
    env.put("MICHAT_TOKEN_SECRET", TestServer.SECRET);
    env.put("MICHAT_STORAGE_CALL_TIMEOUT_MS", "1000");
    env.put("MICHAT_DEPENDENCY_PROBE_INTERVAL_MS", "250");
    env.put("MICHAT_DEPENDENCY_REPORT_INTERVAL_SECONDS", Integer.toString(REPORT_SECONDS));
    env.putAll(extra);
    return TestServer.start(env, null);
  }

  /**
   * Many senders at once against a frozen database: what waits for a store transaction never exceeds
   * router.storeMaxWaiting (the rest is refused at once), and once the breaker is open nothing waits.
   */
  @Test
  void underLoadAFrozenDatabaseHoldsABoundedQueue() throws Exception {
    int senders = 30;
    int maxWaiting = 8;
    {
      TestServer server = onOwnMariaDb("michat_load", Map.of("MICHAT_ROUTER_STORE_MAX_WAITING", Integer.toString(maxWaiting)));
      List<ChatClient> clients = new ArrayList<>();
      try {
        JsonObject to = server.newUser("lt");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
          JsonObject u = server.newUser("ls" + i);
          ids.add(u.getLong("ID"));
          clients.add(ChatClient.openV2(server, server.port, u));
        }
        for (int i = 0; i < senders; i++) {   // the router knows the recipient now: what waits, waits to be stored
          clients.get(i).send(text(ids.get(i), to.getLong("ID"), "warm", "w-" + i));
          assertEquals("ack", clients.get(i).nextJson().getString("Type"));
        }
        MichatMetrics metrics = MichatMetrics.of(server.app.config());
        mariaDb.freeze();
        long start = System.currentTimeMillis();
        long most = 0;
        int[] sent = new int[senders];
        while (System.currentTimeMillis() - start < OUTAGE_MS) {
          for (int i = 0; i < senders; i++) {
            ChatClient c = clients.get(i);
            // one frame in flight per connection: send the next when the last was answered
            if (sent[i] == 0 || !c.drain(0).isEmpty()) {
              c.send(text(ids.get(i), to.getLong("ID"), "load " + sent[i], "l-" + i + "-" + sent[i]));
              sent[i]++;
            }
          }
          most = Math.max(most, metrics.storeWaiting.get());
          Thread.sleep(5);
        }
        assertTrue(most <= maxWaiting, "at most " + maxWaiting + " messages waited, saw " + most);
        assertTrue(metric(server, "michat_messages_refused_total{cause=\"store_queue_full\"}") > 0,
            "the rest was refused at once while the first waited");
        assertTrue(metric(server, "michat_messages_refused_total{cause=\"mariadb_down\"}") > 0, "then the breaker refused");
        assertEquals(0, metrics.storeWaiting.get(), "nothing waits while the breaker is open");
      } finally {
        mariaDb.ensureRunning();
        clients.forEach(ChatClient::close);
        server.close();
      }
    }
  }

  private void mariaDbOutage(boolean freeze) throws Exception {
    {
      TestServer server = onOwnMariaDb(freeze ? "michat_frozen" : "michat_killed", Map.of());
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ListAppender<ILoggingEvent> log = new ListAppender<>();
      log.start();
      try {
        JsonObject a = server.newUser("da");
        JsonObject b = server.newUser("db");
        long aId = a.getLong("ID");
        long bId = b.getLong("ID");
        try (ChatClient ca = ChatClient.openV2(server, server.port, a); ChatClient cb = ChatClient.openV2(server, server.port, b)) {
          ca.send(text(aId, bId, "before", "d-0"));
          assertEquals("ack", ca.nextJson().getString("Type"));

          root.addAppender(log);
          if (freeze) {
            mariaDb.freeze();
          } else {
            mariaDb.kill();
          }
          long start = System.currentTimeMillis();
          List<Long> replyMs = new ArrayList<>();
          List<String> errors = new ArrayList<>();
          int sent = 0;
          while (System.currentTimeMillis() - start < OUTAGE_MS) {
            long t = System.currentTimeMillis();
            ca.send(text(aId, bId, "during " + sent, "d-" + ++sent));
            JsonObject reply = new JsonObject(ca.next(15_000));
            replyMs.add(System.currentTimeMillis() - t);
            errors.add(reply.getString("Error"));
          }
          // Refused while the database does not answer; only a write already sent when it stopped
          // answering is "unknown" (it may still be stored), never one sent once the breaker is open.
          assertTrue(errors.stream().allMatch(e -> e.equals("unavailable") || e.equals("unknown")), errors.toString());
          assertTrue(errors.subList(Math.min(2, errors.size()), errors.size()).stream().allMatch("unavailable"::equals),
              errors.toString());
          HttpResponse<Buffer> ready = timed(server, "/ready");
          assertEquals(503, ready.statusCode(), ready.bodyAsString());
          assertEquals("DOWN", ready.bodyAsJsonObject().getJsonObject("checks").getString("storage"));
          assertEquals(200, timed(server, "/health").statusCode(), "the process itself is fine");
          long outage = System.currentTimeMillis() - start;
          assertEquals(0.0, metric(server, "michat_dependency_up{dependency=\"mariadb\"}"), "down, for Prometheus");
          assertEquals(2.0, metric(server, "michat_dependency_breaker_state{dependency=\"mariadb\"}"), "breaker open");
          assertTrue(metric(server, "michat_messages_refused_total{cause=\"mariadb_down\"}") >= sent / 2.0,
              "refused messages counted by cause");

          // Fail fast: once the breaker is open, a refusal takes no time (a GC pause aside); the first
          // ones waited for the call timeout (1 s) at most, none for the gateway's 10 s.
          assertTrue(replyMs.stream().allMatch(ms -> ms < 2_500), "no send waited long: " + replyMs);
          List<Long> late = new ArrayList<>(replyMs.subList(replyMs.size() / 2, replyMs.size()));
          assertTrue(late.stream().allMatch(ms -> ms < 1_000), "none waits for a timeout while the breaker is open: " + late);
          late.sort(null);
          assertTrue(late.get(late.size() / 2) < 50, "refused at once while the breaker is open: " + late);
          assertTrue(sent >= 10, "many sends refused: " + sent);

          if (freeze) {
            mariaDb.thaw();
          } else {
            mariaDb.start();
          }
          assertTrue(ChatContract.eventually(() -> said(log, Level.INFO, "mariadb answers again")), "back: " + lines(log));
          ca.drain(300);
          ca.send(text(aId, bId, "after", "d-after"));
          JsonObject resumed = awaitType(ca, "ack");
          assertEquals("ack", resumed.getString("Type"), "service resumed by itself: " + resumed);
          assertEquals(200, timed(server, "/ready").statusCode());
          assertEquals(1.0, metric(server, "michat_dependency_up{dependency=\"mariadb\"}"));
          assertEquals(0.0, metric(server, "michat_dependency_breaker_state{dependency=\"mariadb\"}"));
          root.detachAppender(log);

          List<ILoggingEvent> guard = log.list.stream()
              .filter(e -> e.getLoggerName().equals(DependencyGuard.class.getName())).toList();
          List<ILoggingEvent> down = guard.stream().filter(e -> e.getFormattedMessage().startsWith("mariadb is not answering")).toList();
          assertEquals(1, down.size(), "one WARN when it stops answering: " + lines(log));
          assertEquals(Level.WARN, down.get(0).getLevel());
          assertTrue(down.get(0).getTimeStamp() - start < 5_000, "within 5 s of the start");
          assertEquals(1, guard.stream().filter(e -> e.getLevel() == Level.INFO).count(), "one INFO when it is back");
          long periodic = guard.stream().filter(e -> e.getFormattedMessage().startsWith("mariadb still not answering")).count();
          assertTrue(periodic >= 1 && periodic <= outage / 1000 / REPORT_SECONDS + 2,
              "one line per report interval while it lasts: " + periodic + " in " + outage + " ms");
          // never a line per message: everything else logged at WARN or above during the outage is a handful
          long loud = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count();
          assertEquals(0, log.list.stream().filter(e -> e.getLevel() == Level.ERROR).count(), "no ERROR: " + lines(log));
          assertTrue(loud <= 1 + periodic + 3 && sent > loud * 2, loud + " WARN lines for " + sent + " refused messages: " + lines(log));
        }
      } finally {
        root.detachAppender(log);
        mariaDb.ensureRunning();
        server.close();
      }
    }
  }

  // ---- helpers ----

  /** One sample of /metrics (Prometheus text), by its name and labels as written there. */
  private static double metric(TestServer server, String sample) {
    String body = server.get("/metrics").bodyAsString();
    for (String line : body.split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    throw new AssertionError(sample + " not in /metrics");
  }

  private static JsonObject text(long from, long to, String content, String clientMsgId) {
    return ChatContract.text(from, to, content).put("clientMsgId", clientMsgId);
  }

  private static JsonObject awaitType(ChatClient c, String type) {
    while (true) {
      JsonObject f = c.nextJson();
      if (type.equals(f.getString("Type")) || f.getInteger("Type", 0) == -1) {
        return f;
      }
    }
  }

  private static long group(TestServer server, JsonObject owner, JsonObject... members) {
    HttpResponse<Buffer> r = server.post("/contact/createCommunity", Map.of("name", "g-" + owner.getString("Name")),
        owner.getString("Identity"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    long id = r.bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    for (JsonObject m : members) {
      if (m != owner) {
        assertEquals(200, server.post("/contact/joinGroup", Map.of("comId", Long.toString(id)), m.getString("Identity"))
            .statusCode());
      }
    }
    return id;
  }

  /** A probe's answer, which must come within a second whatever the dependencies do. */
  private static HttpResponse<Buffer> timed(TestServer server, String path) {
    long t = System.nanoTime();
    HttpResponse<Buffer> r = server.get(path);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
    assertTrue(ms < 1_000, path + " answered in " + ms + " ms");
    return r;
  }

  private static boolean said(ListAppender<ILoggingEvent> log, Level level, String prefix) {
    return snapshot(log).stream().anyMatch(e -> e.getLevel() == level && e.getFormattedMessage().startsWith(prefix));
  }

  /** The lines so far: appending holds the appender's lock (AppenderBase.doAppend), so copying under it is safe. */
  private static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> log) {
    synchronized (log) {
      return new ArrayList<>(log.list);
    }
  }

  private static String lines(ListAppender<ILoggingEvent> log) {
    return snapshot(log).stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage())
        .toList().toString();
  }
}
