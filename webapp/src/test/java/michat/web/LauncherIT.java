package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar as a person runs it: {@code java -jar mi-chat.jar} in an empty directory starts on the
 * embedded default and keeps its data under ./data across restarts; a wrong or unreachable setting
 * stops it with exit code 2 and one line naming the setting.
 */
class LauncherIT {
  private static Vertx vertx;
  private static WebClient http;

  @TempDir
  Path dir;

  @BeforeAll
  static void client() {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void closeClient() {
    TestServer.await(vertx.close());
  }

  private static HttpResponse<Buffer> post(int port, String path, Map<String, String> form, String token) {
    return TestServer.post(http, port, path, form, token);
  }

  @Test
  void embeddedDefaultKeepsAccountsAndSessionsAcrossRestarts() throws Exception {
    int port = TestServer.freePort();
    Map<String, String> env = Map.of("PORT", Integer.toString(port), "MICHAT_PASSWORD_ITERATIONS", "1000");
    String token;
    try (JarProcess first = JarProcess.start(dir, env).awaitStarted(Duration.ofSeconds(60))) {
      String log = first.stderrText();
      assertTrue(log.contains("listening on http://0.0.0.0:" + port + "/"), log);
      assertTrue(log.contains("storage embedded H2 " + dir.resolve("data").resolve("michat.mv.db")), log);
      assertEquals(200, TestServer.status(TestServer.await(http.get(port, "127.0.0.1", "/health").send())));
      assertEquals(200, TestServer.status(post(port, "/user/createUser", Map.of("name", "小明", "password", "pw", "Identity", "pw"), null)));
      HttpResponse<Buffer> login = post(port, "/user/findUserByNameAndPwd", Map.of("name", "小明", "password", "pw"), null);
      assertEquals("登录成功", login.bodyAsJsonObject().getString("message"));
      token = login.bodyAsJsonObject().getJsonObject("data").getString("Identity");
      int code = first.stop();
      assertTrue(code == 143 || code == 0, "SIGTERM ends the JVM through its shutdown hook, exit code " + code);
      assertTrue(first.stderrText().contains("shutting down"), first.stderrText());
      assertEquals("", first.stdoutText(), "nothing on standard output: logs go to standard error");
    }
    assertTrue(Files.exists(dir.resolve("data").resolve("michat.mv.db")));
    assertTrue(Files.exists(dir.resolve("data").resolve("token-secret")));

    try (JarProcess second = JarProcess.start(dir, env).awaitStarted(Duration.ofSeconds(60))) {
      HttpResponse<Buffer> list = post(port, "/user/getUserList", Map.of(), token);
      assertEquals(200, TestServer.status(list), "the session survives a restart: " + list.bodyAsString());
      JsonObject first = list.bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
      assertEquals("小明", first.getString("Name"));
      assertEquals("登录成功", post(port, "/user/findUserByNameAndPwd", Map.of("name", "小明", "password", "pw"), null)
          .bodyAsJsonObject().getString("message"));
    }
  }

  /**
   * The embedded default acknowledges a message only once it would survive the process dying: the
   * JVM is killed (SIGKILL) the moment the last of a stream of acknowledgements arrives, and after a
   * restart on the same data the recipient gets every acknowledged message. (H2 used to write
   * committed transactions to its file up to half a second later, and lost them with the process.)
   */
  @Test
  void embeddedDefaultKeepsEveryAcknowledgedMessageWhenKilled() throws Exception {
    int port = TestServer.freePort();
    Map<String, String> env = Map.of("PORT", Integer.toString(port), "MICHAT_PASSWORD_ITERATIONS", "1000",
        "MICHAT_GATEWAY_MESSAGES_PER_SECOND", "10000", "MICHAT_GATEWAY_MESSAGE_BURST", "10000");
    int messages = 200;
    JsonObject receiver;
    try (JarProcess first = JarProcess.start(dir, "killed", env).awaitStarted(Duration.ofSeconds(60))) {
      JsonObject sender = register(port, "kill-a");
      receiver = register(port, "kill-b");
      long senderId = sender.getLong("ID");
      ChatClient c = TestServer.await(ChatClient.connect(vertx, port, "/chat?v=2&token=" + sender.getString("Identity")));
      assertEquals("欢迎进入聊天系统", c.next());
      Set<String> unacked = new HashSet<>();
      for (int i = 0; i < messages; i++) {
        unacked.add("k" + i);
        c.send(ChatContract.text(senderId, receiver.getLong("ID"), "k" + i).put("clientMsgId", "k" + i));
        if (i % 20 == 19) {   // a steady stream: 20 at a time, each 20 acknowledged before the next
          while (unacked.size() > 0) {
            JsonObject f = new JsonObject(c.next(10_000));
            if ("ack".equals(f.getString("Type"))) {
              unacked.remove(f.getString("clientMsgId"));
            }
          }
        }
      }
      first.kill9();   // at once after the last acknowledgement
      c.close();
    }
    try (JarProcess second = JarProcess.start(dir, "restarted", env).awaitStarted(Duration.ofSeconds(60))) {
      ChatClient c = TestServer.await(ChatClient.connect(vertx, port, "/chat?v=2&token=" + receiver.getString("Identity")));
      assertEquals("欢迎进入聊天系统", c.next());
      Set<String> got = new HashSet<>();
      for (String text : c.drain(2_000)) {
        JsonObject f = new JsonObject(text);
        if ("msg".equals(f.getString("Type"))) {
          got.add(f.getJsonObject("message").getString("Content"));
        }
      }
      assertEquals(messages, got.size(), "every acknowledged message survived the kill");
      c.close();
    }
  }

  private static JsonObject register(int port, String name) {
    assertEquals(200, TestServer.status(post(port, "/user/createUser", Map.of("name", name, "password", "pw", "Identity", "pw"), null)));
    return post(port, "/user/findUserByNameAndPwd", Map.of("name", name, "password", "pw"), null)
        .bodyAsJsonObject().getJsonObject("data");
  }

  @Test
  void seedConfigFileAndRolesFromTheCommandLine() throws Exception {
    int port = TestServer.freePort();
    Path conf = dir.resolve("app.yml");
    Files.writeString(conf, "port:\n  server: " + port + "\ntimeout:\n  HeartbeatMaxTime: 120\n");
    try (JarProcess p = JarProcess.start(dir, Map.of(), "-conf", conf.toString(), "--roles", "web,user")
        .awaitStarted(Duration.ofSeconds(60))) {
      assertTrue(p.stderrText().contains("roles web,user"), p.stderrText());
      assertEquals(200, TestServer.status(TestServer.await(http.get(port, "127.0.0.1", "/ready").send())));
    }
  }

  @Test
  void wrongOrUnreachableSettingsStopWithOneClearLine() throws Exception {
    String secret = "MICHAT_TOKEN_SECRET";
    List<Map.Entry<Map<String, String>, String>> cases = List.of(
        Map.entry(Map.of("PORT", "eighty"), "setting http.port (PORT) from environment PORT: must be a whole number, got 'eighty'"),
        Map.entry(Map.of("PORT", "70000"), "setting http.port (PORT) from environment PORT: must be between 0 and 65535, got 70000"),
        Map.entry(Map.of("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:1/michat", secret, TestServer.SECRET),
            "setting mysql.url (MICHAT_MYSQL_URL): cannot use MySQL root@127.0.0.1:1/michat:"),
        Map.entry(Map.of("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:3306/michat"),
            "setting token.secret (MICHAT_TOKEN_SECRET) from defaults: required when MySQL is configured"),
        Map.entry(Map.of(secret, "change-me-to-48-random-characters-0123456789abcdef"),
            "setting token.secret (MICHAT_TOKEN_SECRET) from environment MICHAT_TOKEN_SECRET: is an example value published in the michat repository"),
        Map.entry(Map.of("MICHAT_REDIS_URL", "redis://127.0.0.1:1"), "setting redis.url (MICHAT_REDIS_URL) from environment MICHAT_REDIS_URL: cannot reach Redis 127.0.0.1:1/0"),
        Map.entry(Map.of("MICHAT_ROLES", "web,chat"), "setting roles (MICHAT_ROLES) from environment MICHAT_ROLES: unknown role 'chat'"),
        Map.entry(Map.of("MICHAT_LOG_LEVEL", "LOUD"), "setting log.level (MICHAT_LOG_LEVEL) from environment MICHAT_LOG_LEVEL: must be one of"));
    for (var c : cases) {
      Map<String, String> env = new java.util.HashMap<>(c.getKey());
      env.putIfAbsent("PORT", Integer.toString(TestServer.freePort()));
      try (JarProcess p = JarProcess.start(dir, env)) {
        int code = p.awaitExit(Duration.ofSeconds(60));
        String err = p.stderrText().strip();
        assertEquals(2, code, "exit code for " + c.getKey() + ": " + err);
        assertEquals(1, err.lines().filter(l -> l.contains(" ERROR ")).count(), "one error line for " + c.getKey() + ": " + err);
        assertTrue(err.lines().allMatch(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*")), "only log lines, no stack trace: " + err);
        assertTrue(err.contains("cannot start: " + c.getValue()), err);
      }
    }
  }
}
