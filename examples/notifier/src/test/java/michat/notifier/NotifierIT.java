package michat.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import michat.testkit.ClusterCredentials;
import michat.web.JarProcess;
import michat.web.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example service in a JVM of its own (target/notifier.jar) beside michat as separate JVMs (the
 * fat jar, clustered on 127.0.0.1, on MariaDB and Redis): one web+user+presence+gateway JVM and one
 * router JVM. The notifier greets a user who registers, answers /time in its group and not in a group
 * it is no member of, logs every stored message — and without the cluster credentials, or with
 * credentials michat does not trust, it gets nowhere; stopped and started again, it catches up what
 * was stored while it was away. Logs of every JVM stay in target/notifier-it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifierIT {
  private static final String DB = "michat_svc_notifier";
  private static final int REDIS_DB = 12;
  private static final String ACCOUNT = "notifier-bot";
  private static final String PASSWORD = "notifier-bot-password";
  private static Path logs;
  private static Map<String, String> env;
  private static Vertx vertx;
  private static WebClient http;
  private static int port;
  private static final List<JarProcess> jvms = new ArrayList<>();
  private static Map<String, String> service;
  private static JarProcess notifier;
  private static JarProcess rogue;
  private static long notifierId;

  @BeforeAll
  static void startCluster() throws Exception {
    env = TestServer.clusterEnv(DB, REDIS_DB, "michat-notifier-it-" + ProcessHandle.current().pid(), 6101);
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    logs = Paths.get("target", "notifier-it").toAbsolutePath();
    Files.createDirectories(logs);
    env.put("MICHAT_SERVICE_ACCOUNTS", ACCOUNT);
    Map<String, String> credentials = ClusterCredentials.create(logs, "cluster").env();
    port = TestServer.freePort();
    Map<String, String> core = new HashMap<>(env);
    core.putAll(credentials);
    core.put("PORT", Integer.toString(port));
    jvms.add(JarProcess.start(logs, "core", core, "--roles", "web,user,presence,gateway").awaitStarted(Duration.ofSeconds(120)));
    Map<String, String> router = new HashMap<>(core);
    router.put("PORT", Integer.toString(TestServer.freePort()));
    jvms.add(JarProcess.start(logs, "router", router, "--roles", "router").awaitStarted(Duration.ofSeconds(120)));

    notifierId = register(ACCOUNT, PASSWORD);
    service = new HashMap<>(env);
    service.putAll(credentials);
    service.put(Notifier.ACCOUNT, ACCOUNT);
    service.put(Notifier.PASSWORD, PASSWORD);
    Path position = logs.resolve("notifier.position");
    Files.deleteIfExists(position);
    service.put(Notifier.POSITION_FILE, position.toString());
    notifier = JarProcess.startJar(logs, "notifier", service, notifierJar());
    // the same, with credentials of its own making that michat does not trust
    Map<String, String> untrusted = new HashMap<>(service);
    untrusted.putAll(ClusterCredentials.create(logs, "rogue").env());
    rogue = JarProcess.startJar(logs, "rogue-notifier", untrusted, notifierJar());
    notifier.awaitLog("notifier started", Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopCluster() {
    for (JarProcess p : List.of(notifier, rogue)) {
      if (p != null) {
        p.close();
      }
    }
    jvms.forEach(JarProcess::close);
    if (vertx != null) {
      TestServer.await(vertx.close());
    }
  }

  private static Path notifierJar() {
    Path jar = Paths.get(System.getProperty("notifier.jar", "target/notifier.jar")).toAbsolutePath();
    assertTrue(Files.exists(jar), jar + " missing: run through 'mvn verify' so the jar is built first");
    return jar;
  }

  @Test
  void itGreetsEveryUserWhoRegisters() throws Exception {
    String name = "alice-" + System.nanoTime();
    long alice = register(name, "pw-alice");
    String token = login(name, "pw-alice");
    List<String> page = eventually(() -> history("/user/redisMsg", Map.of("userIdA", Long.toString(alice),
        "userIdB", Long.toString(notifierId), "start", "0", "end", "-1"), token), 1);
    JsonObject greeting = new JsonObject(page.get(0));
    assertEquals("Welcome to michat, " + name + "!", greeting.getString("Content"));
    assertEquals(notifierId, greeting.getLong("userId"), "sent as the notifier's own account");
  }

  @Test
  void itAnswersTimeInItsGroupsOnlyAndNeverItself() throws Exception {
    String name = "bob-" + System.nanoTime();
    register(name, "pw-bob");
    String bob = login(name, "pw-bob");
    long joined = group(bob, "with-notifier-" + System.nanoTime());
    assertEquals(200, TestServer.status(post("/contact/joinGroup", Map.of("comId", Long.toString(joined)),
        login(ACCOUNT, PASSWORD))));
    long without = group(bob, "without-notifier-" + System.nanoTime());

    WebSocketClient sockets = vertx.createWebSocketClient();
    WebSocket socket = TestServer.await(sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/chat?token=" + bob)));
    for (long g : List.of(without, joined)) {
      TestServer.await(socket.writeTextMessage(new JsonObject().put("TargetId", g).put("Type", 2).put("Media", 1)
          .put("Content", "/time").encode()));
    }
    List<String> answered = eventually(() -> history("/user/redisGroupMsg", Map.of("groupId", Long.toString(joined)), bob), 2);
    JsonObject answer = new JsonObject(answered.get(0));
    assertEquals(notifierId, answer.getLong("userId"));
    assertTrue(answer.getString("Content").startsWith("time: "), answer.encode());
    Thread.sleep(3_000);   // its own answer (or anything else) would have been answered by now
    assertEquals(2, history("/user/redisGroupMsg", Map.of("groupId", Long.toString(joined)), bob).size());
    assertEquals(List.of("/time"), history("/user/redisGroupMsg", Map.of("groupId", Long.toString(without)), bob)
        .stream().map(f -> new JsonObject(f).getString("Content")).toList(), "no answer where it is no member");
    TestServer.await(socket.close());
    TestServer.await(sockets.close());
    String log = notifier.stderrText();
    assertTrue(log.contains("stored g:" + joined + "#1 from "), log);
    assertTrue(log.contains("stored g:" + joined + "#2 from " + notifierId), "its own answer is logged too");
    assertTrue(log.contains("stored g:" + without + "#1 from "), log);
  }

  /** Last: it stops the notifier, writes while it is away, and starts it again. */
  @Test
  @Order(Integer.MAX_VALUE)
  void whatWasStoredWhileItWasAwayIsCaughtUpAfterARestart() throws Exception {
    String name = "carl-" + System.nanoTime();
    register(name, "pw-carl");
    String carl = login(name, "pw-carl");
    long group = group(carl, "while-away-" + System.nanoTime());
    notifier.stop();   // SIGTERM: it saves its position and leaves the cluster
    WebSocketClient sockets = vertx.createWebSocketClient();
    WebSocket socket = TestServer.await(sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/chat?token=" + carl)));
    TestServer.await(socket.writeTextMessage(new JsonObject().put("TargetId", group).put("Type", 2).put("Media", 1)
        .put("Content", "while you were away").encode()));
    eventually(() -> history("/user/redisGroupMsg", Map.of("groupId", Long.toString(group)), carl), 1);
    TestServer.await(socket.close());
    TestServer.await(sockets.close());
    // past the catch-up's commit lag (10 s): the end of the stream is now after the message, so only
    // the saved position brings it, not a start from the end
    Thread.sleep(12_000);

    notifier = JarProcess.startJar(logs, "notifier-again", service, notifierJar());
    notifier.awaitLog("notifier started", Duration.ofSeconds(120));
    // from the database, once its commit lag (10 s) has passed
    notifier.awaitLog("stored g:" + group + "#1 from ", Duration.ofSeconds(40));
  }

  @Test
  void withoutTheClusterCredentialsItIsRefused() throws Exception {
    Map<String, String> none = new HashMap<>(env);
    none.put(Notifier.ACCOUNT, ACCOUNT);
    none.put(Notifier.PASSWORD, PASSWORD);
    try (JarProcess bare = JarProcess.startJar(logs, "bare-notifier", none, notifierJar())) {
      assertEquals(2, bare.awaitExit(Duration.ofSeconds(60)), bare.stderrText());
      assertTrue(bare.stderrText().contains("cluster.tls"), bare.stderrText());
    }
    // credentials michat does not trust: the event bus refuses its connections, so the login never arrives
    assertNotEquals(0, rogue.awaitExit(Duration.ofSeconds(90)), rogue.stderrText());
    assertTrue(rogue.stderrText().contains("notifier cannot start"), rogue.stderrText());
    assertTrue(!rogue.stderrText().contains("notifier started"));
  }

  // ---- helpers ----

  private static HttpResponse<Buffer> post(String path, Map<String, String> form, String token) {
    return TestServer.post(http, port, path, form, token);
  }

  private static long register(String name, String password) {
    HttpResponse<Buffer> r = post("/user/createUser", Map.of("name", name, "password", password, "Identity", password), null);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    return loggedIn(name, password).getLong("ID");
  }

  private static String login(String name, String password) {
    return loggedIn(name, password).getString("Identity");
  }

  private static JsonObject loggedIn(String name, String password) {
    HttpResponse<Buffer> r = post("/user/findUserByNameAndPwd", Map.of("name", name, "password", password), null);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonObject("data");
  }

  private static long group(String ownerToken, String name) {
    HttpResponse<Buffer> r = post("/contact/createCommunity", Map.of("name", name), ownerToken);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonObject("Data").getLong("ID");
  }

  /** A history page's frames, newest first. */
  private static List<String> history(String path, Map<String, String> form, String token) {
    HttpResponse<Buffer> r = post(path, form, token);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    JsonArray total = r.bodyAsJsonObject().getJsonArray("Total");
    List<String> out = new ArrayList<>();
    total.forEach(f -> out.add((String) f));
    return out;
  }

  private static List<String> eventually(Supplier<List<String>> page, int atLeast) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    List<String> got = page.get();
    while (got.size() < atLeast && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      got = page.get();
    }
    assertTrue(got.size() >= atLeast, "only " + got);
    return got;
  }
}
