package michat.web;

import michat.contract.PresenceApi;
import michat.contract.PresenceApi.ChannelPost;
import michat.contract.ServiceBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Real-time chat on the embedded default: H2, presence in shared data, the pub/sub channel on the event bus. */
class EmbeddedChatTest extends ChatContract {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.embedded();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  TestServer server() {
    return server;
  }

  @Override
  void publishOnChannel(String payload) {
    ServiceBus.of(server.app.vertx()).publish(PresenceApi.CHANNEL, new ChannelPost(payload));
  }
}
