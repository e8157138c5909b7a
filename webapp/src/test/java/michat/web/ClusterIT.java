package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import michat.testkit.ClusterCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * michat as real separate JVMs (the fat jar, clustered on 127.0.0.1) on MariaDB and Redis: one
 * web+user+presence JVM, two gateways, two routers. Cross-node chat; kill -9 of a gateway and of a
 * router; JVMs that come back are used again. Logs of every JVM stay in target/cluster-it.
 *
 * <p>The cluster manager is Hazelcast unless {@code -Dmichat.it.clusterManager=infinispan} (the
 * failsafe configuration passes it on): every test runs under either.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final String DB = "michat_it_cluster";
  private static final int REDIS_DB = 10;
  private static final String MANAGER = System.getProperty("michat.it.clusterManager", "hazelcast");
  private static Path logs;
  private static Map<String, String> env;
  private static Vertx vertx;
  private static WebClient http;
  private static int corePort;
  private static int gw1Port;
  private static int gw2Port;
  private static int coreManagementPort;
  private static JarProcess core;
  private static JarProcess gw1;
  private static JarProcess gw2;
  private static JarProcess router1;
  private static JarProcess router2;
  private static int seq;

  @BeforeAll
  static void startCluster() throws Exception {
    env = TestServer.clusterEnv(DB, REDIS_DB, "michat-it-" + ProcessHandle.current().pid(), 5901);
    env.put("MICHAT_CLUSTER_MANAGER", MANAGER);
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    logs = Paths.get("target", "cluster-it").toAbsolutePath();
    Files.createDirectories(logs);
    // No MICHAT_HTTP_HOST: a clustered node binds HTTP to cluster.host (127.0.0.1 by default).
    env.put("MICHAT_GATEWAY_MESSAGES_PER_SECOND", "100000");
    env.put("MICHAT_GATEWAY_MESSAGE_BURST", "100000");
    env.putAll(ClusterCredentials.create(logs, "cluster").env());
    corePort = TestServer.freePort();
    gw1Port = TestServer.freePort();
    gw2Port = TestServer.freePort();
    coreManagementPort = TestServer.freePort();
    // The first JVM migrates the schema; the others start once it is up. Each is kept as soon as it
    // runs, so that stopCluster ends it even when another fails to start.
    core = start("core", "web,user,presence", corePort);
    gw1 = start("gw1", "gateway", gw1Port);
    gw2 = start("gw2", "gateway", gw2Port);
    router1 = start("router1", "router", 0);
    router2 = start("router2", "router", 0);
    for (JarProcess p : List.of(gw1, gw2, router1, router2)) {
      p.awaitStarted(Duration.ofSeconds(120));
    }
  }

  private static JarProcess start(String name, String roles, int port) throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("PORT", Integer.toString(port == 0 ? TestServer.freePort() : port));
    if (name.equals("core")) {
      e.put("MICHAT_MANAGEMENT_PORT", Integer.toString(coreManagementPort));
    }
    JarProcess p = JarProcess.start(logs, name, e, "--roles", roles);
    if (name.equals("core")) {
      p.awaitStarted(Duration.ofSeconds(120));
    }
    return p;
  }

  @AfterAll
  static void stopCluster() {
    for (JarProcess p : new JarProcess[] {gw1, gw2, router1, router2, core}) {
      if (p != null) {
        p.close();
      }
    }
    if (vertx != null) {
      TestServer.await(vertx.close());
    }
  }

  // ---- helpers ----

  private record User(long id, String name, String token) {}

  private static HttpResponse<Buffer> post(String path, Map<String, String> form, String token) {
    return TestServer.post(http, corePort, path, form, token);
  }

  private static User user(String prefix) {
    String name = prefix + "-" + (++seq);
    assertEquals(200, TestServer.status(post("/user/createUser", Map.of("name", name, "password", "pw", "Identity", "pw"), null)));
    JsonObject data = post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "pw"), null)
        .bodyAsJsonObject().getJsonObject("data");
    return new User(data.getLong("ID"), name, data.getString("Identity"));
  }

  private static ChatClient connect(int port, User u) {
    // backlog=1: these tests are about what a reconnecting user catches up on
    ChatClient c = TestServer.await(ChatClient.connect(vertx, port, "/chat?backlog=1&token=" + u.token));
    assertEquals("欢迎进入聊天系统", c.next(30_000));
    return c;
  }

  private static boolean onlineFor(User friend, User asker) {
    JsonArray rows = post("/searchFriends", Map.of(), asker.token).bodyAsJsonObject().getJsonArray("Rows");
    for (Object o : rows) {
      JsonObject f = (JsonObject) o;
      if (f.getLong("ID") == friend.id) {
        return f.getBoolean("Online");
      }
    }
    throw new AssertionError(friend.name + " is not a friend of " + asker.name);
  }

  private static void awaitCondition(String what, long ms, java.util.function.BooleanSupplier c) throws Exception {
    long deadline = System.currentTimeMillis() + ms;
    while (!c.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + ms + " ms: " + what);
      }
      Thread.sleep(200);
    }
  }

  private static List<String> storedContents(User a, User b) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + DB, "root", "");
         var st = c.prepareStatement("SELECT payload FROM messages WHERE conversation = ? ORDER BY seq")) {
      st.setString(1, "p:" + Math.min(a.id, b.id) + ":" + Math.max(a.id, b.id));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(michat.model.MessagePayload.text(rs.getString(1), "content"));
        }
      }
    }
    return out;
  }

  // ---- the tests ----

  /**
   * Every JVM names in one start-up line where it listens: HTTP on the cluster host (no http.host
   * set), the cluster manager (Hazelcast, or JGroups under Infinispan) and the event bus with their
   * actual ports; the core JVM its management port,
   * which alone serves /metrics there, while a gateway serves /metrics to loopback clients.
   */
  @Test
  @Order(0)
  void everyJvmSaysWhereItListensAndMetricsAreWhereTheySay() throws Exception {
    for (JarProcess p : List.of(core, gw1, gw2, router1, router2)) {
      String line = p.stderrText().lines().filter(l -> l.contains("michat started")).findFirst().orElseThrow();
      assertTrue(line.matches(".*\\(clustered\\); listening on http://127\\.0\\.0\\.1:\\d+/ \\(.*"), line);
      assertTrue(line.matches(MANAGER.equals("infinispan") ? ".*, JGroups 127\\.0\\.0\\.1:59\\d\\d \\(mutual TLS\\),.*"
          : ".*, Hazelcast 127\\.0\\.0\\.1:59\\d\\d.*"), line);
      assertTrue(line.matches(".*, event bus 127\\.0\\.0\\.1:[1-9]\\d* \\(mutual TLS\\);.*"), line);
    }
    String coreLine = core.stderrText().lines().filter(l -> l.contains("michat started")).findFirst().orElseThrow();
    assertTrue(coreLine.contains("listening on http://127.0.0.1:" + corePort + "/ (pages, REST, upload, /health, /ready), "
        + "management http://127.0.0.1:" + coreManagementPort + "/ (/metrics, /health, /ready)"), coreLine);
    assertEquals(200, TestServer.status(TestServer.await(http.get(coreManagementPort, "127.0.0.1", "/metrics").send())));
    assertEquals(404, TestServer.status(TestServer.await(http.get(corePort, "127.0.0.1", "/metrics").send())));
    assertEquals(200, TestServer.status(TestServer.await(http.get(gw1Port, "127.0.0.1", "/metrics").send())));
  }

  @Test
  @Order(1)
  void usersOnDifferentGatewaysChatPrivatelyAndInGroups() {
    User a = user("alice");
    User b = user("bob");
    User c = user("carol");
    long group = post("/contact/createCommunity", Map.of("name", "crew-" + seq), a.token)
        .bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    post("/contact/joinGroup", Map.of("comId", Long.toString(group)), b.token);
    post("/contact/joinGroup", Map.of("comId", Long.toString(group)), c.token);
    try (ChatClient ca = connect(gw1Port, a); ChatClient cb = connect(gw2Port, b); ChatClient cc = connect(gw1Port, c)) {
      ca.send(ChatContract.text(a.id, b.id, "gw1 to gw2"));
      assertEquals("gw1 to gw2", cb.nextJson().getString("Content"));
      cb.send(ChatContract.text(b.id, a.id, "gw2 to gw1"));
      assertEquals("gw2 to gw1", ca.nextJson().getString("Content"));
      cb.send(ChatContract.groupText(b.id, group, "to the crew"));
      for (ChatClient member : List.of(ca, cb, cc)) {
        JsonObject got = member.nextJson();
        assertEquals("to the crew", got.getString("Content"));
        assertEquals(b.id, got.getLong("userId"));
      }
      ca.expectNothing(300);
      cc.expectNothing(0);
    }
  }

  /**
   * A JVM that knows the cluster's name and a member's address — one speaking plain TCP, one TLS with
   * credentials of its own (on JGroups trusting any member's). Under Hazelcast it joins the membership (its
   * open-source edition authenticates nobody); under Infinispan it cannot: JGroups' connections need
   * the cluster's credentials, so it stays a cluster of its own. Either way it cannot use the event
   * bus: its password change and its forged message fail, it hears none of what members publish
   * meanwhile, and the real members keep working.
   */
  @Test
  @Order(2)
  void aJvmWithoutTheClusterCredentialsCanNeitherDeliverToNorReceiveFromTheEventBus() throws Exception {
    User victim = user("gina");
    User other = user("hugo");
    String hashBefore = passwordHash(victim);
    Map<String, String> rogueEnv = new HashMap<>();
    rogueEnv.put("MICHAT_CLUSTER_NAME", env.get("MICHAT_CLUSTER_NAME"));
    rogueEnv.put("MICHAT_CLUSTER_PORT", env.get("MICHAT_CLUSTER_PORT"));
    rogueEnv.put("MICHAT_CLUSTER_MANAGER", MANAGER);
    ClusterCredentials own = ClusterCredentials.create(logs, "rogue");
    Map<String, String> tlsRogueEnv = new HashMap<>(rogueEnv);
    tlsRogueEnv.put("ROGUE_KEY_STORE", own.keyStore.toString());
    tlsRogueEnv.put("ROGUE_TRUST", own.trustStore.toString());
    tlsRogueEnv.put("ROGUE_PASSWORD", ClusterCredentials.PASSWORD);
    String[] args = {Long.toString(victim.id), Long.toString(other.id)};
    try (JarProcess plain = JarProcess.startMain(logs, "rogue-plain", rogueEnv, RogueMember.class, args);
         JarProcess tls = JarProcess.startMain(logs, "rogue-tls", tlsRogueEnv, RogueMember.class, args)) {
      for (JarProcess rogue : List.of(plain, tls)) {
        awaitCondition("the rogue listening: " + rogue.stderrText(), 120_000, () -> out(rogue).contains("listening"));
      }
      User leaving = user("ivo");
      assertEquals(200, TestServer.status(post("/user/logout", Map.of(), leaving.token)), "members publish a revocation");
      for (JarProcess rogue : List.of(plain, tls)) {
        assertEquals(0, rogue.awaitExit(Duration.ofSeconds(90)), rogue.stderrText());
        String said = rogue.stdoutText();
        java.util.regex.Matcher joined = java.util.regex.Pattern.compile("members: (\\d+)").matcher(said);
        assertTrue(joined.find(), said);
        if (MANAGER.equals("infinispan")) {
          assertEquals(1, Integer.parseInt(joined.group(1)), "the rogue is alone in a cluster of its own: " + said);
        } else {
          assertTrue(Integer.parseInt(joined.group(1)) >= 6, "the rogue is inside the cluster (5 members and itself at least): " + said);
          assertFalse(said.contains("No handlers"), "it saw the members' handlers, and still could not reach them: " + said);
        }
        assertTrue(said.contains("update: failed") && said.contains("inbound: failed"), said);
        assertTrue(said.contains("received: 0"), said);
      }
    }
    assertEquals(hashBefore, passwordHash(victim), "the password did not change");
    assertTrue(storedContents(victim, other).isEmpty(), "nothing was stored as the victim");
    try (ChatClient cv = connect(gw1Port, victim); ChatClient co = connect(gw2Port, other)) {
      cv.send(ChatContract.text(victim.id, other.id, "members keep working"));
      assertEquals("members keep working", co.nextJson().getString("Content"));
    }
  }

  private static String out(JarProcess p) {
    try {
      return p.stdoutText();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static String passwordHash(User u) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/" + DB, "root", "");
         var st = c.prepareStatement("SELECT password_hash FROM users WHERE id = ?")) {
      st.setLong(1, u.id);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * Sessions end on every node: a logout and a password change made on the web JVM close the ended
   * sessions' sockets on both gateway JVMs (4003) and make their tokens refused there, although those
   * gateways had just checked — and cached — them as valid.
   */
  @Test
  @Order(3)
  void endedSessionsAreRefusedAndClosedOnEveryGateway() throws Exception {
    User u = user("frida");
    String phone = u.token;
    String laptop = post("/user/findUserByNameAndPwd", Map.of("name", u.name, "password", "pw"), null)
        .bodyAsJsonObject().getJsonObject("data").getString("Identity");
    ChatClient phoneOnGw1 = connect(gw1Port, new User(u.id, u.name, phone));
    ChatClient laptopOnGw2 = connect(gw2Port, new User(u.id, u.name, laptop));
    ChatClient laptopOnGw1 = connect(gw1Port, new User(u.id, u.name, laptop));
    try {
      assertEquals(200, TestServer.status(post("/user/logout", Map.of(), phone)));
      assertTrue(phoneOnGw1.awaitClosed(10_000), "the logged-out session's socket on gw1 closes");
      assertEquals((short) 4003, phoneOnGw1.closeCode);
      assertEquals(null, laptopOnGw2.closeCode, "the other session goes on");
      assertRefused(gw2Port, phone);

      HttpResponse<Buffer> changed = post("/user/updateUser", Map.of("password", "pw2", "currentPassword", "pw"), laptop);
      assertEquals(200, TestServer.status(changed), changed.bodyAsString());
      assertTrue(laptopOnGw2.awaitClosed(10_000) && laptopOnGw1.awaitClosed(10_000), "every older session closes, on both gateways");
      assertEquals((short) 4003, laptopOnGw2.closeCode);
      assertRefused(gw1Port, laptop);
      assertRefused(gw2Port, laptop);
      String renewed = changed.bodyAsJsonObject().getJsonObject("data").getString("Identity");
      connect(gw2Port, new User(u.id, u.name, renewed)).close();
    } finally {
      phoneOnGw1.close();
      laptopOnGw2.close();
      laptopOnGw1.close();
    }
  }

  private static void assertRefused(int gatewayPort, String token) {
    Throwable refused = TestServer.await(ChatClient.connect(vertx, gatewayPort, "/chat?token=" + token)
        .map(c -> (Throwable) null).otherwise(err -> err));
    assertTrue(refused != null && refused.getMessage().contains("401"), "refused on port " + gatewayPort + ": " + refused);
  }

  @Test
  @Order(4)
  void aKilledGatewayLosesNothingAndItsUsersGoOfflineEverywhere() throws Exception {
    User a = user("ann");
    User b = user("ben");
    post("/contact/addfriend", Map.of("targetName", a.name), b.token);
    ChatClient onGw1 = connect(gw1Port, a);
    try (ChatClient cb = connect(gw2Port, b)) {
      awaitCondition("ann online", 5000, () -> onlineFor(a, b));
      cb.send(ChatContract.text(b.id, a.id, "before the crash"));
      assertEquals("before the crash", onGw1.nextJson().getString("Content"));

      gw1.kill9();
      long killedAt = System.currentTimeMillis();
      for (int i = 1; i <= 5; i++) {
        cb.send(ChatContract.text(b.id, a.id, "while away " + i));
      }
      awaitCondition("ann offline after gw1 died", 15_000, () -> !onlineFor(a, b));
      assertTrue(System.currentTimeMillis() - killedAt <= 15_000);

      try (ChatClient again = connect(gw2Port, a)) {
        List<String> got = new ArrayList<>();
        while (!got.contains("while away 5")) {
          got.add(again.nextJson().getString("Content"));
        }
        // A killed node could not save how far it had delivered: what it had already pushed may come
        // again (at least once, docs/protocol.md); everything missed comes, in order, once.
        got.remove("before the crash");
        assertEquals(List.of("while away 1", "while away 2", "while away 3", "while away 4", "while away 5"), got);
        again.expectNothing(500);
      }
    } finally {
      onGw1.close();
    }

    // The gateway comes back and is used again.
    gw1 = start("gw1-again", "gateway", gw1Port).awaitStarted(Duration.ofSeconds(120));
    User c = user("cat");
    try (ChatClient cc = connect(gw1Port, c); ChatClient cb = connect(gw2Port, b)) {
      cb.send(ChatContract.text(b.id, c.id, "welcome back gw1"));
      assertEquals("welcome back gw1", cc.nextJson().getString("Content"));
    }
  }

  @Test
  @Order(5)
  void aRouterKilledMidStreamLeavesNoStoredMessageUndelivered() throws Exception {
    User s = user("sender");
    User r = user("receiver");
    Set<String> received = new HashSet<>();
    int refused;
    int total = 200;
    try (ChatClient cs = connect(gw2Port, s); ChatClient cr = connect(gw1Port, r)) {
      for (int i = 1; i <= total; i++) {
        cs.send(ChatContract.text(s.id, r.id, "m" + i));
        if (i == 60) {
          router1.kill9();
        }
        drain(cr, received, 0);
      }
      // errors for what was not accepted, or not confirmed (the dead router's requests time out: unknown)
      refused = drainErrors(cs, 15_000);
      drain(cr, received, 2_000);
    }
    // The receiver catches up by reconnecting.
    try (ChatClient again = connect(gw2Port, r)) {
      drain(again, received, 3_000);
    }
    List<String> stored = storedContents(s, r);
    assertTrue(received.containsAll(stored), "every stored message reached the receiver; missing: "
        + stored.stream().filter(m -> !received.contains(m)).toList());
    assertTrue(stored.size() >= total - refused,
        "every message not refused was stored: stored " + stored.size() + ", refused " + refused);
    assertTrue(stored.size() > 100, "the surviving router kept going: " + stored.size());

    // A router that comes back is used again: start it, kill the other one, messages still flow.
    router1 = start("router1-again", "router", 0).awaitStarted(Duration.ofSeconds(120));
    router2.kill9();
    Thread.sleep(10_000);   // let the cluster drop the dead router's registrations
    try (ChatClient cs = connect(gw2Port, s); ChatClient cr = connect(gw1Port, r)) {
      cs.send(ChatContract.text(s.id, r.id, "through the returned router"));
      assertEquals("through the returned router", cr.nextJson().getString("Content"));
    }
  }

  @Test
  @Order(6)
  void aGatewayStoppedWithSigtermSendsItsClientsElsewhere() throws Exception {
    User a = user("dora");
    User b = user("eli");
    ChatClient onGw1 = connect(gw1Port, a);
    try (ChatClient cb = connect(gw2Port, b)) {
      int exit = gw1.stop();
      assertTrue(exit == 143 || exit == 0, "exit code " + exit);
      assertTrue(onGw1.awaitClosed(10_000), "the client is told");
      assertEquals((short) 1001, onGw1.closeCode, "close code: going away, reconnect elsewhere");
      assertTrue(gw1.stderrText().contains("shutting down"), gw1.stderrText());
      cb.send(ChatContract.text(b.id, a.id, "after the restart"));
      try (ChatClient moved = connect(gw2Port, a)) {
        assertEquals("after the restart", moved.nextJson().getString("Content"));
      }
    } finally {
      onGw1.close();
    }
  }

  /** Contents of the messages the client received until it was quiet for {@code quietMs}. */
  private static void drain(ChatClient c, Set<String> into, long quietMs) {
    for (String frame : c.drain(quietMs)) {
      JsonObject json = new JsonObject(frame);
      if (json.getInteger("Type") != -1) {
        into.add(json.getString("Content"));
      }
    }
  }

  /**
   * The error frames the sender got; each says the message was not accepted ({@code unavailable}) or,
   * for a request the dead router never answered, that it may or may not have been ({@code unknown}).
   */
  private static int drainErrors(ChatClient c, long quietMs) {
    int refused = 0;
    for (String frame : c.drain(quietMs)) {
      JsonObject json = new JsonObject(frame);
      assertEquals(-1, json.getInteger("Type"), frame);
      assertTrue(Set.of("unavailable", "unknown").contains(json.getString("Error")), frame);
      refused++;
    }
    return refused;
  }
}
