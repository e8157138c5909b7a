package michat.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The HTTP contract on MariaDB (127.0.0.1:3306), in a database of its own. */
class MariaDbApiTest extends ApiContract {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.mariadb("michat_it_api");
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
