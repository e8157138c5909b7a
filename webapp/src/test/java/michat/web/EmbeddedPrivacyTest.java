package michat.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Group history from joining and activity for friends, on the embedded default: H2, no Redis. */
class EmbeddedPrivacyTest extends PrivacyContract {
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
}
