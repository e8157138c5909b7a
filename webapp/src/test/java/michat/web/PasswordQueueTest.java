package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The password-hashing queue is bounded per address: beyond it, 503 with Retry-After in the route's shape. */
class PasswordQueueTest {
  @Test
  void jobsBeyondAnAddressesBoundAreRefusedWithRetryAfterOthersAreServed() {
    try (TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_PASSWORD_ITERATIONS", "200000",
        "MICHAT_PASSWORD_HASH_QUEUE_PER_ADDRESS", "2",
        "MICHAT_THROTTLE_ACCOUNT_FREE_FAILURES", "1000000",
        "MICHAT_THROTTLE_ADDRESS_FREE_FAILURES", "1000000"))) {
      WebClient flooder = server.clientFrom("127.0.0.21", 12);
      WebClient other = server.clientFrom("127.0.0.22", 1);
      assertEquals(200, TestServer.status(TestServer.await(TestServer.register(other, "queue-honest"))));
      List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        flood.add(TestServer.login(flooder, "queue-honest", "guess-" + i));
      }
      HttpResponse<Buffer> honest = TestServer.await(TestServer.login(other, "queue-honest", "pw-queue-honest"));
      assertEquals(200, TestServer.status(honest), "another address is served: " + honest.bodyAsString());
      int refused = 0;
      for (Future<HttpResponse<Buffer>> f : flood) {
        HttpResponse<Buffer> r = TestServer.await(f);
        if (TestServer.status(r) == 503) {
          refused++;
          long seconds = Long.parseLong(r.getHeader("Retry-After"));
          assertTrue(seconds >= 1 && seconds <= 60, r.getHeader("Retry-After"));
          assertEquals(-1, r.bodyAsJsonObject().getInteger("code"));
          assertEquals("服务器繁忙，请 " + seconds + " 秒后再试", r.bodyAsJsonObject().getString("message"));
        } else {
          assertEquals(401, TestServer.status(r), r.bodyAsString());
        }
      }
      assertTrue(refused > 0, "12 parallel jobs from one address with room for 2 waiting: some are refused");
      flooder.close();
      other.close();
    }
  }
}
