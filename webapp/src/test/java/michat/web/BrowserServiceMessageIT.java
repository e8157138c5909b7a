package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import michat.client.MichatClient;
import michat.contract.v1.ServiceApi.Sent;
import org.junit.jupiter.api.Test;

/**
 * A message another service sends with {@link MichatClient} arrives in a person's browser like any
 * chat message, from the service's account, and is there again from history after a reload.
 */
class BrowserServiceMessageIT {
  private static final Path SHOTS = Path.of("target", "screenshots");

  @Test
  void aServiceMessageArrivesInTheBrowserAndStaysInHistory() {
    ChatBrowser.requireChromium();
    try (TestServer server = TestServer.embedded()) {
      String suffix = Long.toString(System.nanoTime() % 1_000_000, 36);
      String reader = "dora-" + suffix;
      String service = "courier-" + suffix;
      JsonObject dora = server.newUser(reader);
      JsonObject courier = server.newUser(service);
      long courierId = courier.getLong("ID");
      // friends, so that the conversation is in Dora's list before its first message
      assertEquals(200, TestServer.status(server.post("/contact/addfriend", Map.of("targetName", service),
          dora.getString("Identity"))));
      MichatClient client = TestServer.await(MichatClient.login(server.app.vertx(), service, "pw-" + service));
      try (ChatBrowser browser = ChatBrowser.signedIn("dora", server.port, reader, SHOTS)) {
        browser.openConversation("u:" + courierId);
        String text = "Your parcel has arrived (" + suffix + ")";
        Sent sent = TestServer.await(client.sendToUser(dora.getLong("ID"), text));
        assertTrue(sent.ok(), sent.toString());
        browser.waitMessage("<", text);
        browser.screenshot("service-message");

        browser.open("/toChat");
        browser.waitOnline();
        browser.openConversation("u:" + courierId);
        browser.waitMessage("<", text);
        assertEquals(1, browser.count("<", text), "once, from history");
      }
    }
  }
}
