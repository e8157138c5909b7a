package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a proxy every client arrives from the proxy's address: with {@code http.trustedProxies} the
 * password throttle goes by the address the proxy saw (X-Forwarded-For), so one guesser cannot lock
 * everyone out; without it — or from a peer that is not a trusted proxy — the header is ignored,
 * since anyone could write any address there.
 */
class TrustedProxiesTest {
  private static HttpResponse<Buffer> wrongLogin(TestServer server, String name, String forwardedFor) {
    return TestServer.await(server.client.post("/user/findUserByNameAndPwd").putHeader("X-Forwarded-For", forwardedFor)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("name", name).add("password", "wrong")));
  }

  /** 20 failed logins (each on another name, so only the address count runs out) from one forwarded address. */
  private static void exhaustAddress(TestServer server, String forwardedFor) {
    for (int i = 0; i < 20; i++) {
      assertEquals(401, TestServer.status(wrongLogin(server, "nobody-" + i, forwardedFor)));
    }
  }

  @Test
  void behindATrustedProxyEachClientIsThrottledByItsOwnAddress() {
    try (TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_HTTP_TRUSTED_PROXIES", "127.0.0.0/8"))) {
      exhaustAddress(server, "198.51.100.7, 203.0.113.5");
      assertEquals(429, TestServer.status(wrongLogin(server, "someone", "203.0.113.5")), "the guesser is locked");
      assertEquals(401, TestServer.status(wrongLogin(server, "someone", "203.0.113.6")), "another client is not");
      // The last untrusted hop counts: what a client writes in front of it changes nothing.
      assertEquals(429, TestServer.status(wrongLogin(server, "someone", "10.9.9.9, 203.0.113.5")));
    }
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    try (TestServer server = TestServer.embedded()) {
      exhaustAddress(server, "203.0.113.5");
      assertEquals(429, TestServer.status(wrongLogin(server, "someone", "203.0.113.99")),
          "a forged X-Forwarded-For does not escape the peer's own lock");
    }
  }
}
