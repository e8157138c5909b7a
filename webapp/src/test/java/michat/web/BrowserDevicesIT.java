package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One person on two devices (two browsers, each signed in: two v2 sessions) and a friend. What she
 * writes on one device appears on the other as her own (the server's copy), what her friend writes
 * appears on both, the friend's read receipt reaches both, and a reload shows each message once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserDevicesIT {
  private static final Path SHOTS = Path.of("target", "screenshots");

  private TestServer server;
  private ChatBrowser laptop;
  private ChatBrowser phone;
  private ChatBrowser bob;
  private long aliceId;
  private long bobId;

  @BeforeAll
  void start() {
    ChatBrowser.requireChromium();
    server = TestServer.embedded();
    JsonObject a = server.newUser("devices-a");
    JsonObject b = server.newUser("devices-b");
    aliceId = a.getLong("ID");
    bobId = b.getLong("ID");
    // Code 0: the ginchat routes may answer a refusal with HTTP 200 (X-Michat-Status says what it was).
    assertEquals(0, server.post("/contact/addfriend", Map.of("targetName", b.getString("Name")),
        a.getString("Identity")).bodyAsJsonObject().getInteger("Code"));
    laptop = login("laptop", a.getString("Name"));
    phone = login("phone", a.getString("Name"));
    bob = login("bob", b.getString("Name"));
  }

  private ChatBrowser login(String who, String name) {
    return ChatBrowser.signedIn(who, server.port, name, SHOTS);
  }

  @AfterAll
  void stop() {
    for (ChatBrowser b : new ChatBrowser[] {laptop, phone, bob}) {
      if (b != null) {
        b.close();
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void bothDevicesShowTheWholeConversationOnce() {
    laptop.openConversation("u:" + bobId);
    phone.openConversation("u:" + bobId);
    bob.openConversation("u:" + aliceId);

    laptop.send("from the laptop");
    bob.waitMessage("<", "from the laptop");
    phone.waitMessage(">", "from the laptop");
    bob.send("to both of you");
    laptop.waitMessage("<", "to both of you");
    phone.waitMessage("<", "to both of you");
    phone.send("and from the phone");
    laptop.waitMessage(">", "and from the phone");
    bob.waitMessage("<", "and from the phone");

    List<String> conversation = List.of("> from the laptop", "< to both of you", "> and from the phone");
    assertEquals(conversation, laptop.messages());
    assertEquals(conversation, phone.messages());
    // Bob reads on screen: the tick under Alice's newest message says so on both of her devices.
    for (ChatBrowser b : List.of(laptop, phone)) {
      b.waitFor("#message-list .msg-out:last-child[data-receipt='read']");
    }

    phone.driver.navigate().refresh();
    phone.waitOnline();
    phone.waitMessage(">", "and from the phone");
    assertEquals(conversation, phone.messages(), "after a reload: history, each message once");
  }
}
