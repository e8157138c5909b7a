package michat.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Group history from joining and activity for friends, on MariaDB (127.0.0.1:3306), in a database of its own. */
class MariaDbPrivacyTest extends PrivacyContract {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.mariadb("secc_privacy");
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
