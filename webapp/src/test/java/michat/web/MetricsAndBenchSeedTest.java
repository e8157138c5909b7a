package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /metrics (on by default, off by config) and the bench's bulk seeding route (off unless a secret is set). */
class MetricsAndBenchSeedTest {
  private static final String SEED_SECRET = "bench-seed-secret-0123456789-0123456789";

  @Test
  void metricsAreServedAndSeedingDoesNotExistByDefault() {
    try (TestServer server = TestServer.embedded()) {
      JsonObject alice = server.newUser("metrics-alice");
      try (ChatClient c = ChatClient.open(server, alice.getString("Identity"))) {
        HttpResponse<Buffer> m = server.get("/metrics");
        assertEquals(200, TestServer.status(m));
        String text = m.bodyAsString();
        assertTrue(text.contains("michat_sessions_open 1.0"), text);
        for (String name : new String[] {"michat_messages_in_total", "michat_frames_out_total",
            "michat_outbound_queued_frames", "michat_heap_used_bytes", "michat_heap_live_bytes",
            "michat_process_rss_bytes", "michat_store_seconds_count", "michat_delivery_seconds_count",
            "vertx_http_server_active_connections", "vertx_eventbus_handlers", "jvm_memory_used_bytes"}) {
          assertTrue(text.contains(name), name + " missing");
        }
      }
      HttpResponse<Buffer> seed = TestServer.await(server.client.post(BenchSeedRoute.PATH)
          .putHeader(BenchSeedRoute.HEADER, SEED_SECRET).sendJsonObject(new JsonObject().put("users", 2)));
      assertEquals(404, TestServer.status(seed));
    }
  }

  @Test
  void metricsCanBeSwitchedOff() {
    try (TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_METRICS_ENABLED", "false"))) {
      assertEquals(404, TestServer.status(server.get("/metrics")));
      assertEquals(200, TestServer.status(server.get("/health")));
    }
  }

  @Test
  void seedingNeedsTheSecretAndCreatesUsersWhoCanLogIn() {
    try (TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_BENCH_SEED_SECRET", SEED_SECRET))) {
      JsonObject req = new JsonObject().put("prefix", "seedtest").put("users", 5).put("password", "pw-seed")
          .put("friends", 1).put("groups", 2).put("groupSize", 3);
      HttpResponse<Buffer> wrong = TestServer.await(server.client.post(BenchSeedRoute.PATH)
          .putHeader(BenchSeedRoute.HEADER, SEED_SECRET + "x").sendJsonObject(req));
      assertEquals(403, TestServer.status(wrong));
      HttpResponse<Buffer> none = TestServer.await(server.client.post(BenchSeedRoute.PATH).sendJsonObject(req));
      assertEquals(403, TestServer.status(none));

      HttpResponse<Buffer> ok = TestServer.await(server.client.post(BenchSeedRoute.PATH)
          .putHeader(BenchSeedRoute.HEADER, SEED_SECRET).sendJsonObject(req));
      assertEquals(200, TestServer.status(ok), ok.bodyAsString());
      JsonObject body = ok.bodyAsJsonObject();
      assertEquals(5, body.getJsonArray("users").size());
      assertEquals(2, body.getJsonArray("groups").size());
      assertEquals(3, body.getJsonArray("groups").getJsonObject(1).getJsonArray("members").size());

      HttpResponse<Buffer> login = server.post("/user/findUserByNameAndPwd", Map.of("name", "seedtest-3", "password", "pw-seed"));
      assertEquals(200, TestServer.status(login), login.bodyAsString());
      HttpResponse<Buffer> badLogin = server.post("/user/findUserByNameAndPwd", Map.of("name", "seedtest-3", "password", "nope"));
      assertEquals(401, TestServer.status(badLogin));
      String hash = server.queryString("SELECT password_hash FROM users WHERE name = ?", "seedtest-3");
      assertTrue(hash.startsWith("pbkdf2_sha256$1000$"), hash);
      assertFalse(hash.contains("pw-seed"));
      assertEquals(2, server.count("SELECT COUNT(*) FROM contacts WHERE kind = 1 AND owner_id = ?",
          body.getJsonArray("users").getJsonObject(3).getLong("id")));

      HttpResponse<Buffer> again = TestServer.await(server.client.post(BenchSeedRoute.PATH)
          .putHeader(BenchSeedRoute.HEADER, SEED_SECRET).sendJsonObject(req));
      assertEquals(409, TestServer.status(again), again.bodyAsString());
    }
  }
}
