package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import michat.testkit.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The browser client through a database outage: michat runs on MariaDB behind a relay this test
 * controls (the machine's MariaDB itself is never touched). While the database is unreachable for 30 s,
 * and separately while it hangs for 30 s, Alice types a conversation in Chromium; she sees her messages
 * as "sending…" and no error, and afterwards Bob's browser shows them all, once each, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserOutageIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String DATABASE = "michat_webclient_outage";
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int MESSAGES = 5;

  private TcpRelay relay;
  private TestServer server;
  private ChatBrowser alice;
  private ChatBrowser bob;
  private long aliceId;
  private long bobId;

  @BeforeAll
  void start() throws Exception {
    ChatBrowser.requireChromium();
    TestServer.requireMariaDb();
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + DATABASE);
    }
    relay = new TcpRelay(3306);
    Map<String, String> env = new HashMap<>(TestServer.baseEnv(TestServer.tempDir()));
    env.put("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:" + relay.port + "/" + DATABASE);
    env.put("MICHAT_TOKEN_SECRET", TestServer.SECRET);
    server = TestServer.start(env, DATABASE);

    String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    JsonObject a = server.newUser("oa-" + suffix);
    JsonObject b = server.newUser("ob-" + suffix);
    aliceId = a.getLong("ID");
    bobId = b.getLong("ID");
    // Code 0: the ginchat routes may answer a refusal with HTTP 200 (X-Michat-Status says what it was).
    assertEquals(0, server.post("/contact/addfriend", Map.of("targetName", b.getString("Name")),
        a.getString("Identity")).bodyAsJsonObject().getInteger("Code"));

    alice = login("alice", a.getString("Name"));
    bob = login("bob", b.getString("Name"));
    alice.openConversation("u:" + bobId);
    bob.openConversation("u:" + aliceId);
    alice.send("before the outage");
    bob.waitMessage("<", "before the outage");
  }

  private ChatBrowser login(String who, String name) {
    return ChatBrowser.signedIn(who, server.port, name, SHOTS);
  }

  @AfterAll
  void stop() {
    for (ChatBrowser b : new ChatBrowser[] {alice, bob}) {
      if (b != null) {
        b.close();
      }
    }
    if (server != null) {
      server.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void aConversationTypedWhileTheDatabaseIsUnreachableArrivesCompleteOnceInOrder() throws Exception {
    conversationThrough("unreachable", relay::cut);
  }

  @Test
  void aConversationTypedWhileTheDatabaseHangsArrivesCompleteOnceInOrder() throws Exception {
    conversationThrough("frozen", relay::freeze);
  }

  /**
   * Past the client's limit (2 minutes without an ack) a message shows "failed" with a retry button.
   * The page's clock is moved forward rather than waiting the 2 minutes out; the retry, once the
   * database is back, stores and delivers it once.
   */
  @Test
  void aMessageUnacknowledgedForTwoMinutesOffersARetryThatDeliversItOnce() {
    relay.cut();
    try {
      alice.send("late 1");
      alice.waitFor("#message-list .msg-out:last-child[data-state='pending']");
      alice.js("window.realDateNow = Date.now; Date.now = function () { return window.realDateNow() + 121000; };");
      alice.waitFor("#message-list .msg-out:last-child[data-state='failed'] .msg-retry");
      assertTrue(alice.find("#message-list .msg-out:last-child .msg-error-text").getText().contains("Failed"));
      assertTrue(alice.find("#message-list .msg-out:last-child .msg-retry").getText().contains("Retry"));
    } finally {
      alice.js("if (window.realDateNow) Date.now = window.realDateNow;");
      relay.restore();
    }
    alice.screenshot("outage-failed-retry");
    alice.find("#message-list .msg-out:last-child .msg-retry").click();
    alice.waitFor("#message-list .msg-out:last-child[data-state='sent']");
    bob.waitMessage("<", "late 1");
    assertEquals(List.of("< late 1"), received(bob, "late"));
    assertEquals(1, server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ? AND payload LIKE '%\"late 1\"%'", aliceId));
  }

  private void conversationThrough(String outage, Runnable fail) throws Exception {
    List<String> typed = new ArrayList<>();
    for (int i = 1; i <= MESSAGES; i++) {
      typed.add(outage + " " + i);
    }
    fail.run();
    long start = System.nanoTime();
    long end = start + OUTAGE.toNanos();
    // Typed at a person's pace over the first part of the outage; meanwhile, and until it ends, the
    // sender sees her messages waiting and never an error.
    int next = 0;
    while (System.nanoTime() < end) {
      if (next < typed.size() && System.nanoTime() - start >= next * 2_000_000_000L) {
        alice.send(typed.get(next));
        next++;
      }
      assertNoErrorShown(outage);
      Thread.sleep(250);
    }
    assertEquals(MESSAGES, next);
    for (String text : typed) {
      assertEquals(1, alice.count(">", text), "shown once at the sender: " + text);
    }
    assertTrue((Long) alice.js("return document.querySelectorAll(\"#message-list .msg-out[data-state='pending']\").length;") > 0,
        "still waiting for the database");
    alice.screenshot("outage-" + outage + "-sender");
    relay.restore();

    bob.waitUntil("the whole conversation after the " + outage + " database came back", Duration.ofSeconds(60),
        d -> received(bob, outage).size() >= MESSAGES ? true : null);
    Thread.sleep(1000); // a repeat would arrive right behind
    List<String> expected = typed.stream().map(t -> "< " + t).toList();
    assertEquals(expected, received(bob, outage), "complete, once, in order");
    alice.waitUntil("every message acknowledged", Duration.ofSeconds(30), d -> (Long) alice.js(
        "return document.querySelectorAll(\"#message-list .msg-out:not([data-state='sent'])\").length;") == 0 ? true : null);
    assertEquals(typed.stream().map(t -> "> " + t).toList(), received(alice, outage));
    assertEquals(MESSAGES, server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ? AND payload LIKE '%\"" + outage + " %'", aliceId),
        "each stored once");
    bob.screenshot("outage-" + outage + "-receiver");
  }

  /** The messages of this outage in the open conversation, in the order shown. */
  private static List<String> received(ChatBrowser b, String outage) {
    return b.messages().stream().filter(m -> m.substring(2).startsWith(outage + " ")).toList();
  }

  private void assertNoErrorShown(String outage) {
    Object failed = alice.js("return document.querySelectorAll(\"#message-list .msg-out[data-state='failed']\").length;");
    assertEquals(0L, failed, "no message shown as failed during the " + outage + " outage");
    Object toast = alice.js("var t = document.getElementById('toast'); return !t.hidden && t.classList.contains('toast-error') ? t.textContent : '';");
    assertEquals("", toast, "no error toast during the " + outage + " outage");
    assertEquals("online", alice.connectionState(), "the chat connection stays up during the " + outage + " outage");
  }
}
