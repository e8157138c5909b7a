package michat.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The HTTP contract on the embedded default: H2 file database, no Redis. */
class EmbeddedApiTest extends ApiContract {
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

  /** Group history from joining and activity for friends, on the same server. */
  @Nested
  class Privacy extends PrivacyContract {
    @Override
    TestServer server() {
      return server;
    }
  }
}
