package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The browser client in a real browser (Debian's headless Chromium through Selenium) against a real
 * michat started in-process. Three people, each in a browser of their own — Alice and Bob on desktop
 * windows, Carol on a phone-sized one — register, befriend, chat both ways, meet in a group, send
 * stickers, pictures and a voice clip, reload, and live through a server restart.
 *
 * The steps build on each other and run in order. Screenshots go to target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserChatIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String XSS = "<img src=x onerror=alert(1)>";

  private final String suffix = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
  private final String aliceName = "alice-" + suffix;
  private final String bobName = "bob-" + suffix;
  private final String carolName = "carol-" + suffix;
  private final String groupName = "Team " + suffix;

  private Path dataDir;
  private int port;
  private TestServer server;
  private ChatBrowser alice;
  private ChatBrowser bob;
  private ChatBrowser carol;
  private long aliceId;
  private long bobId;
  private long carolId;
  private long groupId;

  @BeforeAll
  void start() throws IOException {
    ChatBrowser.requireChromium();
    if (Files.isDirectory(SHOTS)) {
      try (var old = Files.list(SHOTS)) {
        for (Path p : old.toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    dataDir = Files.createTempDirectory("michat-browser-");
    port = TestServer.freePort();
    server = startServer();
    alice = new ChatBrowser("alice", port, 1280, 900, SHOTS);
    bob = new ChatBrowser("bob", port, 1280, 900, SHOTS);
    carol = new ChatBrowser("carol", port, 390, 844, SHOTS);
  }

  @AfterAll
  void stop() {
    for (ChatBrowser b : new ChatBrowser[] {alice, bob, carol}) {
      if (b != null) {
        b.close();
      }
    }
    if (server != null) {
      server.close();
    }
  }

  /** The same data directory and port every time, so that a restart is the same server coming back. */
  private TestServer startServer() {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", Integer.toString(port));
    return TestServer.embedded(dataDir, env);
  }

  private static String password(String name) {
    return "pw-" + name;
  }

  private void register(ChatBrowser b, String name) {
    b.open("/toRegister");
    b.fill("input[name='name']", name);
    b.fill("input[name='password']", password(name));
    b.fill("input[name='Identity']", password(name));
    b.find("#register-form button[type='submit']").click();
    b.waitUntil("the chat page", d -> d.getCurrentUrl().endsWith("/toChat") ? true : null);
    b.waitOnline();
  }

  private void login(ChatBrowser b, String name, String pw) {
    b.fill("input[name='name']", name);
    b.fill("input[name='password']", pw);
    b.find("#login-form button[type='submit']").click();
  }

  /** Waits until the alert shows a text containing {@code part}; returns the whole text. */
  private String alertText(ChatBrowser b, String css, String part) {
    return b.waitUntil(css + " saying " + part, d -> {
      String text = b.find(css).getText();
      return text.contains(part) ? text : null;
    });
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void registerAndLogInWithClearErrors() {
    // Registration: a mismatch is refused before anything is sent.
    bob.open("/toRegister");
    bob.fill("input[name='name']", bobName);
    bob.fill("input[name='password']", "one");
    bob.fill("input[name='Identity']", "two");
    bob.find("#register-form button[type='submit']").click();
    alertText(bob, "#form-alert", "两次密码不一致");
    register(bob, bobName);
    bobId = bob.userId();

    // Login: an unknown name and a wrong password get the same answer (no user enumeration).
    alice.open("/index");
    login(alice, aliceName, "whatever");
    alertText(alice, "#form-alert", "用户名或密码不正确");
    register(alice, aliceName);
    aliceId = alice.userId();
    alice.find("#logout").click();
    alice.waitUntil("the login page", d -> d.getCurrentUrl().endsWith("/index") ? true : null);
    login(alice, aliceName, "wrong-password");
    String wrong = alertText(alice, "#form-alert", "用户名或密码不正确");
    assertTrue(wrong.contains("Wrong name or password"), "explained in English too: " + wrong);
    login(alice, aliceName, password(aliceName));
    alice.waitUntil("the chat page", d -> d.getCurrentUrl().endsWith("/toChat") ? true : null);
    alice.waitOnline();

    // Registering a taken name is refused with the server's message.
    carol.open("/toRegister");
    carol.fill("input[name='name']", bobName);
    carol.fill("input[name='password']", "x");
    carol.fill("input[name='Identity']", "x");
    carol.find("#register-form button[type='submit']").click();
    alertText(carol, "#form-alert", "用户名已注册");
    carol.screenshot("01-register-error-phone");
    register(carol, carolName);
    carolId = carol.userId();
    alice.screenshot("01-empty-chat-desktop");
  }

  @Test
  @Order(2)
  void twoUsersBefriendAndChatBothWays() {
    // Alice adds Bob by name; his conversation opens, and he is shown online.
    alice.find("#new-button").click();
    alice.waitFor("#new-menu [data-dialog='dlg-friend']").click();
    alice.fill("#friend-form input[name='targetName']", bobName);
    alice.find("#friend-form button[type='submit']").click();
    alice.waitFor("#conversation[data-conv='u:" + bobId + "']");
    alice.waitFor(".conv[data-conv='u:" + bobId + "'][data-online='true']");
    assertEquals(bobName, alice.find("#conv-name").getText());

    alice.send("你好 Bob, this is Alice");
    alice.waitMessage(">", "你好 Bob, this is Alice");

    // Bob was not looking: the conversation appears with one unread message.
    bob.waitUntil("an unread badge", d -> "1".equals(bob.badge("u:" + aliceId)) ? true : null);
    bob.openConversation("u:" + aliceId);
    bob.waitMessage("<", "你好 Bob, this is Alice");
    assertEquals("", bob.badge("u:" + aliceId), "reading clears the unread count");
    bob.send("Hi Alice! Multi-line?");
    alice.waitMessage("<", "Hi Alice! Multi-line?");

    // Emoji go into the text; a sticker is a message of its own.
    alice.find("#emoji-button").click();
    alice.waitFor("#emoji-grid .emoji").click();
    String emoji = (String) alice.js("return document.querySelector('#emoji-grid .emoji').textContent;");
    alice.send(" nice");
    bob.waitMessage("<", emoji + " nice");
    alice.find("#emoji-button").click();
    alice.waitFor("#tab-stickers").click();
    alice.waitFor("#sticker-grid [data-sticker='sticker:laugh']");
    alice.screenshot("02-stickers-alice");
    alice.find("#sticker-grid [data-sticker='sticker:laugh']").click();
    bob.waitJs("the sticker", "return !!document.querySelector(\"#message-list .msg-in .bubble-sticker img[src='/asset/stickers/laugh.svg']\");");
    assertEquals(List.of("< 你好 Bob, this is Alice", "> Hi Alice! Multi-line?", "< " + emoji + " nice", "< [media 2]"),
        bob.messages());
    alice.screenshot("02-private-chat-alice");
    bob.screenshot("02-private-chat-bob");
  }

  @Test
  @Order(3)
  void htmlInAMessageIsShownAsText() {
    bob.send(XSS);
    alice.waitMessage("<", XSS);
    bob.waitMessage(">", XSS);
    for (ChatBrowser b : List.of(alice, bob)) {
      assertEquals(0L, b.js("return document.querySelectorAll(\"#message-list img[src='x']\").length;"),
          "no element was made from the text");
      assertThrows(NoAlertPresentException.class, () -> b.driver.switchTo().alert(), "no script ran");
    }
    assertEquals(XSS, alice.find(".conv[data-conv='u:" + bobId + "'] .conv-preview").getText(), "the list preview is text too");
  }

  @Test
  @Order(4)
  void receiptsAndTypingAreShownUnobtrusively() {
    // Both have the conversation open: Bob's newest message gets Alice's read receipt, a tick under it.
    String newest = "#message-list .msg-out:last-child";
    bob.waitFor(newest + "[data-receipt='read']");
    assertEquals("✓✓", bob.find(newest + " .msg-ticks").getText());

    // Alice types without sending (on and on, as people do: the signal goes at most every 3 s): Bob's
    // header says so, then returns to her presence.
    String typing = bob.waitUntil("typing in the header", d -> {
      String sub = bob.find("#conv-sub").getText();
      if (sub.contains("typing")) {
        return sub;
      }
      alice.find("#input").sendKeys("x");
      return null;
    });
    assertTrue(typing.contains("正在输入"), typing);
    alice.find("#input").clear();
    bob.waitUntil("the header without typing", Duration.ofSeconds(10),
        d -> bob.find("#conv-sub").getText().contains("typing") ? null : true);
  }

  @Test
  @Order(5)
  void anUploadedImageShowsThePictureToTheOtherSide() throws IOException {
    Path png = picture();
    alice.attach("#image-input", png);
    alice.waitFor("#message-list .msg-out[data-state='sent'] .bubble-image img");
    String src = (String) bob.waitJs("the picture at Bob's",
        "var img = document.querySelector('#message-list .msg-in .bubble-image img');"
            + "return img && img.complete && img.naturalWidth > 0 ? img.getAttribute('src') : null;");
    // The message carries ./asset/upload/…; the client shows it by its canonical path (api.js safeUrl).
    assertTrue(src.startsWith("/asset/upload/") && src.endsWith(".png"), src);
    assertEquals(320L, bob.js("return document.querySelector('#message-list .msg-in .bubble-image img').naturalWidth;"));
    bob.screenshot("03-image-bob");
  }

  @Test
  @Order(6)
  void aThirdJoinsAGroupAndAllThreeSeeGroupMessages() {
    // Bob creates the group; Alice joins by its id, Carol (on a phone) by its name.
    bob.find("#new-button").click();
    bob.waitFor("#new-menu [data-dialog='dlg-create']").click();
    bob.fill("#create-form input[name='name']", groupName);
    bob.fill("#create-form textarea[name='desc']", "Where the three of us plan things");
    bob.find("#create-form button[type='submit']").click();
    String key = bob.waitFor("#conversation[data-conv^='g:']").getAttribute("data-conv");
    groupId = Long.parseLong(key.substring(2));

    alice.find("#new-button").click();
    alice.waitFor("#new-menu [data-dialog='dlg-join']").click();
    alice.fill("#join-form input[name='comId']", Long.toString(groupId));
    alice.find("#join-form button[type='submit']").click();
    alice.waitFor("#conversation[data-conv='" + key + "']");

    carol.find("#new-button").click();
    carol.waitFor("#new-menu [data-dialog='dlg-join']").click();
    carol.fill("#join-form input[name='comId']", "nonexistent group " + suffix);
    carol.find("#join-form button[type='submit']").click();
    alertText(carol, "#join-alert", "没有找到群");
    carol.screenshot("04-join-error-phone");
    carol.fill("#join-form input[name='comId']", groupName);
    carol.find("#join-form button[type='submit']").click();
    carol.waitFor("#conversation[data-conv='" + key + "']");
    assertEquals(groupName, carol.find("#conv-name").getText());

    bob.send("Welcome to the team!");
    alice.send("Thanks Bob!");
    carol.send("大家好，我是 Carol");

    Map<ChatBrowser, String> names = Map.of(alice, aliceName, bob, bobName, carol, carolName);
    List<String[]> sent = List.of(new String[] {bobName, "Welcome to the team!"},
        new String[] {aliceName, "Thanks Bob!"}, new String[] {carolName, "大家好，我是 Carol"});
    for (ChatBrowser b : List.of(alice, bob, carol)) {
      for (String[] s : sent) {
        boolean own = s[0].equals(names.get(b));
        b.waitMessage(own ? ">" : "<", s[1]);
        assertEquals(1, b.count(own ? ">" : "<", s[1]), "shown once: " + s[1] + " at " + b.name);
      }
      // Others' group messages carry the sender's name; own ones are confirmed by the echo.
      b.waitJs("sender names", "return Array.from(document.querySelectorAll('#message-list .msg-in .msg-sender'))"
          + ".map(function (n) { return n.textContent; }).filter(function (t) { return t.indexOf('#') !== 0; }).length === 2;");
      assertEquals(0L, b.js("return document.querySelectorAll(\"#message-list .msg-out:not([data-state='sent'])\").length;"));
    }
    @SuppressWarnings("unchecked")
    List<String> senders = (List<String>) carol.js("return Array.from(document.querySelectorAll('#message-list .msg-in .msg-sender'))"
        + ".map(function (n) { return n.textContent; });");
    assertEquals(List.of(bobName, aliceName), senders);
  }

  @Test
  @Order(7)
  void aVoiceClipAPictureAndAStickerInTheGroup() throws IOException {
    alice.find("#voice-button").click();
    alice.waitFor("#recorder");
    alice.waitJs("a second of recording", "return document.getElementById('rec-time').textContent !== '0:00';");
    alice.find("#rec-send").click();
    for (ChatBrowser b : List.of(bob, carol)) {
      String length = (String) b.waitJs("the voice clip",
          "var v = document.querySelector('#message-list .msg-in .bubble-voice .voice-length'); return v ? v.textContent : null;");
      assertTrue(length.matches("\\d+″"), length);
    }
    // Carol sends a picture from her phone.
    carol.attach("#image-input", picture());
    for (ChatBrowser b : List.of(alice, bob)) {
      b.waitJs("Carol's picture", "var img = document.querySelector('#message-list .msg-in .bubble-image img');"
          + "return img && img.complete && img.naturalWidth > 0;");
    }
    bob.find("#emoji-button").click();
    bob.waitFor("#tab-stickers").click();
    bob.waitFor("#sticker-grid [data-sticker='sticker:thumbsup']").click();
    carol.waitJs("the sticker", "return !!document.querySelector(\"#message-list .msg-in .bubble-sticker img[src='/asset/stickers/thumbsup.svg']\");");
    alice.waitJs("the sticker", "return !!document.querySelector(\"#message-list .msg-in .bubble-sticker img[src='/asset/stickers/thumbsup.svg']\");");
    for (ChatBrowser b : List.of(alice, bob, carol)) {
      b.waitGone("#toast"); // "joined the group" and the like have faded: a clean picture
    }
    bob.screenshot("04-group-bob-desktop");
    alice.screenshot("04-group-alice-desktop");
    carol.screenshot("04-group-carol-phone");

    // On the phone, back leads to the list.
    carol.find("#back").click();
    carol.waitFor(".conv[data-conv='g:" + groupId + "']");
    assertEquals(false, carol.js("return document.getElementById('conversation').offsetParent !== null;"));
    carol.screenshot("05-list-carol-phone");
  }

  @Test
  @Order(8)
  void reloadingThePageKeepsHistoryAndOlderPagesLoadOnScroll() {
    // Dave, who has no browser, writes Alice 45 messages through the WebSocket while she is in the group.
    JsonObject dave = server.newUser("dave-" + suffix);
    String token = dave.getString("Identity");
    long daveId = dave.getLong("ID");
    assertEquals(200, TestServer.status(server.post("/contact/addfriend", Map.of("targetName", aliceName), token)));
    try (ChatClient c = ChatClient.open(server, token)) {
      long t = System.currentTimeMillis();
      for (int i = 1; i <= 45; i++) {
        c.send(new JsonObject().put("TargetId", aliceId).put("Type", 1).put("CreateTime", t + i)
            .put("userId", daveId).put("Media", 1).put("Content", String.format("dave %02d", i)));
      }
      // Stay connected until all arrived (frames still queued when a socket closes are dropped).
      alice.waitUntil("45 unread from Dave", d -> "45".equals(alice.badge("u:" + daveId)) ? true : null);
    }

    // Reload: the open conversation (the URL says which) comes back with its history, in order.
    alice.openConversation("u:" + bobId);
    alice.driver.navigate().refresh();
    alice.waitOnline();
    alice.waitFor("#conversation[data-conv='u:" + bobId + "']");
    alice.waitMessage("<", XSS);
    List<String> history = alice.messages();
    assertEquals(List.of("> 你好 Bob, this is Alice", "< Hi Alice! Multi-line?"), history.subList(0, 2), history.toString());
    assertEquals(6, history.size(), history.toString()); // text, text, emoji text, sticker, html-as-text, image
    assertEquals(1L, alice.js("return document.querySelectorAll('#message-list .msg-out .bubble-image img').length;"));
    assertEquals("45", alice.badge("u:" + daveId), "unread counts survive the reload");

    // Dave's conversation: the newest 20 first, older ones as Alice scrolls up, oldest on top.
    alice.openConversation("u:" + daveId);
    alice.waitMessage("<", "dave 45");
    assertEquals("", alice.badge("u:" + daveId));
    assertTrue(alice.messages().size() < 45, "history is paged");
    for (int i = 0; i < 5 && alice.messages().size() < 45; i++) {
      int before = alice.messages().size();
      alice.js("document.getElementById('messages').scrollTop = 0;");
      alice.waitUntil("an older page", d -> alice.messages().size() > before ? true : null);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 45; i++) {
      expected.add(String.format("< dave %02d", i));
    }
    assertEquals(expected, alice.messages());
    alice.waitFor("#history-state[data-state='done']");
    alice.screenshot("06-history-scrolled-back");
  }

  @Test
  @Order(9)
  void thePageRecoversAfterTheServerRestarts() {
    alice.openConversation("u:" + bobId);
    bob.openConversation("u:" + aliceId);
    server.close();
    server = null;
    for (ChatBrowser b : List.of(alice, bob, carol)) {
      b.waitState("reconnecting", ChatBrowser.WAIT);
    }
    alice.waitFor("#conn-banner");
    alice.screenshot("07-reconnecting");

    // Written while the server is away: kept, shown as sending, sent once the connection is back.
    alice.send("sent while the server was down");
    alice.waitFor("#message-list .msg-out[data-state='pending']");

    server = startServer();
    for (ChatBrowser b : List.of(alice, bob, carol)) {
      // The back-off may have grown to several seconds while the server was away.
      b.waitState("online", Duration.ofSeconds(30));
    }
    alice.waitGone("#conn-banner");
    alice.waitFor("#message-list .msg-out:last-child[data-state='sent']");
    bob.waitMessage("<", "sent while the server was down");
    bob.send("back online");
    alice.waitMessage("<", "back online");
    carol.openConversation("g:" + groupId);
    carol.send("still here");
    bob.find(".conv[data-conv='g:" + groupId + "']").click();
    bob.waitMessage("<", "still here");

    // Nothing is shown twice, whatever the catch-up repeated (every text here is unique).
    for (ChatBrowser b : List.of(alice, bob, carol)) {
      List<String> texts = b.messages().stream().filter(m -> !m.contains("[media")).toList();
      assertEquals(texts.size(), texts.stream().distinct().count(), b.name + ": " + texts);
    }
    alice.openConversation("u:" + bobId);
    assertEquals(1, alice.count(">", "sent while the server was down"));
    assertEquals(1, alice.count("<", "back online"));
    alice.screenshot("08-after-restart");
  }

  @Test
  @Order(10)
  void aRefusedMessageShowsTheServersErrorNextToIt() {
    alice.js("location.hash = 'g:999999';");
    alice.waitFor("#conversation[data-conv='g:999999']");
    alice.send("anyone there?");
    String error = alice.waitFor("#message-list .msg-out[data-state='failed'] .msg-error-text").getText();
    assertTrue(error.contains("群不存在") || error.contains("does not exist"), error);
    alice.screenshot("09-error-frame");
    alice.openConversation("u:" + bobId);
  }

  @Test
  @Order(11)
  void theProfileCanBeEdited() throws IOException {
    alice.find("#me-button").click();
    alice.waitFor("#dlg-profile[open]");
    alice.fill("#profile-form input[name='phone']", "12345");
    alice.find("#profile-form button[type='submit']").click();
    alertText(alice, "#profile-alert", "11 位");
    alice.fill("#profile-form input[name='phone']", "13800138000");
    alice.fill("#profile-form input[name='email']", "alice@example.com");
    alice.attach("#profile-avatar-file", picture());
    alice.waitFor("#profile-avatar img");
    alice.find("#profile-form button[type='submit']").click();
    alertText(alice, "#profile-alert", "修改用户成功");
    alice.waitFor("#me-avatar img");
    alice.screenshot("10-profile");
    alice.find("#profile-form [data-close]").click();

    JsonObject me = server.post("/user/find", Map.of("userId", Long.toString(aliceId)),
        server.post("/user/findUserByNameAndPwd", Map.of("name", aliceName, "password", password(aliceName)))
            .bodyAsJsonObject().getJsonObject("data").getString("Identity")).bodyAsJsonObject().getJsonObject("Data");
    assertEquals("13800138000", me.getString("Phone"));
    assertEquals("alice@example.com", me.getString("Email"));
    assertTrue(me.getString("Avatar").startsWith("./asset/upload/"), me.encode());
  }

  /** A small landscape picture (320 x 200 PNG). */
  private static Path picture() throws IOException {
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, new Color(0x5b8cff), 0, 200, new Color(0xffc58a)));
    g.fillRect(0, 0, 320, 200);
    g.setColor(new Color(0xfff1a8));
    g.fillOval(200, 40, 60, 60);
    g.setColor(new Color(0x2f4f7a));
    g.fillPolygon(new int[] {0, 90, 170, 250, 320, 320, 0}, new int[] {160, 90, 150, 100, 150, 200, 200}, 7);
    g.dispose();
    Path file = Files.createTempFile("michat-picture-", ".png");
    ImageIO.write(img, "png", file.toFile());
    return file;
  }
}
