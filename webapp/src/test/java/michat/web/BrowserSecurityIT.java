package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session attacks of docs/security.md in a real Chromium: a victim signed in to michat at
 * 127.0.0.1, and an attacker's pages — at 127.0.0.1 on another port (the same site, another origin,
 * like a sibling application) and at localhost (another site) — that try to swap, plant or use the
 * victim's session. Each test fails on a michat that takes sessions from URLs or trusts the cookie
 * whatever page sent the request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSecurityIT {
  private static final Path SHOTS = Path.of("target", "screenshots");

  private TestServer server;
  private HttpServer attackerSite;
  private int attackerPort;
  private ChatBrowser victim;
  private String victimName;
  private long victimId;
  private JsonObject attacker;

  @BeforeAll
  void start() {
    ChatBrowser.requireChromium();
    server = TestServer.embedded();
    attacker = server.newUser("mallory-" + System.nanoTime() % 100_000);
    attackerPort = TestServer.freePort();
    attackerSite = TestServer.await(server.app.vertx().createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .end(attackerPage(req.path())))
        .listen(attackerPort, "127.0.0.1"));
    victim = new ChatBrowser("victim", server.port, 1100, 800, SHOTS);
    victimName = "victim-" + System.nanoTime() % 100_000;
    victim.open("/toRegister");
    victim.fill("input[name='name']", victimName);
    victim.fill("input[name='password']", "pw-" + victimName);
    victim.fill("input[name='Identity']", "pw-" + victimName);
    victim.find("#register-form button[type='submit']").click();
    victim.waitUntil("the chat page", d -> d.getCurrentUrl().endsWith("/toChat") ? true : null);
    victim.waitOnline();
    victimId = victim.userId();
  }

  @AfterAll
  void stop() {
    if (victim != null) {
      victim.close();
    }
    if (attackerSite != null) {
      TestServer.await(attackerSite.close());
    }
    if (server != null) {
      server.close();
    }
  }

  private String michat() {
    return "http://127.0.0.1:" + server.port;
  }

  /** The attacker's pages: each does its one thing as soon as it loads and writes the outcome into its title. */
  private String attackerPage(String path) {
    String name = attacker.getString("Name");
    return switch (path) {
      case "/login" -> "<html><body><form id=f method=post action='" + michat() + "/user/findUserByNameAndPwd'>"
          + "<input name=name value='" + name + "'><input name=password value='pw-" + name + "'></form>"
          + "<script>document.getElementById('f').submit()</script></body></html>";
      case "/update" -> "<html><body><form id=f method=post action='" + michat() + "/user/updateUser'>"
          + "<input name=phone value='13900000000'></form>"
          + "<script>document.getElementById('f').submit()</script></body></html>";
      case "/socket" -> "<html><head><title>pending</title></head><body><script>"
          + "var ws = new WebSocket('ws://127.0.0.1:" + server.port + "/chat');"
          + "ws.onmessage = function (e) { document.title = 'received: ' + e.data; };"
          + "ws.onerror = function () { document.title = 'refused'; };"
          + "</script></body></html>";
      default -> "<html><body>nothing here</body></html>";
    };
  }

  /** Back on michat's chat page: whose is it? */
  private long whoIsSignedIn() {
    victim.open("/toChat");
    victim.waitUntil("the chat page", d -> d.getCurrentUrl().endsWith("/toChat") ? true : null);
    return victim.userId();
  }

  @Test
  void aPictureUrlCannotSwapTheSession() {
    // What a planted avatar or image message made every viewer's browser fetch, now from michat's own page.
    String swap = "/asset/../toChat?token=" + attacker.getString("Identity");
    assertEquals(400, TestServer.status(server.post("/user/updateUser", Map.of("icon", swap), attacker.getString("Identity"))),
        "the server does not store it");
    // Fetched from michat's own page, as an <img> there would be: a same-origin GET whose answer may set cookies.
    victim.js("window.loads = 0; [arguments[0], arguments[1]].forEach(function (u) {"
        + " fetch(u, {credentials: 'same-origin'}).finally(function () { window.loads++; }); });",
        swap, "/toChat?token=" + attacker.getString("Identity"));
    victim.waitJs("both loads done", "return window.loads >= 2;");
    assertEquals(victimId, whoIsSignedIn(), "still the victim's own session");
  }

  @Test
  void anotherSiteCannotSignTheBrowserInAsTheAttacker() {
    victim.openUrl("http://localhost:" + attackerPort + "/login");
    victim.waitUntil("the forged login answered", d -> d.getCurrentUrl().startsWith(michat()) ? true : null);
    assertEquals(victimId, whoIsSignedIn(), "the victim was not signed in to the attacker's account");
  }

  @Test
  void aPageOfAnotherOriginCannotUseTheCookie() {
    victim.openUrl("http://127.0.0.1:" + attackerPort + "/update");
    victim.waitUntil("the forged update answered", d -> d.getCurrentUrl().startsWith(michat()) ? true : null);
    assertTrue(victim.find("body").getText().contains("其他网站"), victim.find("body").getText());
    assertEquals("", server.queryString("SELECT phone FROM users WHERE id = ?", victimId), "nothing changed");

    victim.openUrl("http://127.0.0.1:" + attackerPort + "/socket");
    String outcome = victim.waitUntil("the socket's outcome", d -> "pending".equals(d.getTitle()) ? null : d.getTitle());
    assertEquals("refused", outcome);
    assertFalse(outcome.contains("欢迎"), "the attacker's page never chatted as the victim");
  }
}
