package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.testkit.TcpRelay;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real outages of the stores under a running server: a Redis of the test's own, killed and started
 * again; MariaDB cut off behind a TCP relay and reconnected. Nothing acknowledged is lost, refusals
 * are clear, and service resumes by itself.
 */
class OutageTest {

  private static JsonObject text(long from, long to, String content, String clientMsgId) {
    return ChatContract.text(from, to, content).put("clientMsgId", clientMsgId);
  }

  // ---- Redis ----

  private static Process redis(int port) throws Exception {
    Path dir = Files.createTempDirectory("michat-redis-");
    Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!TestServer.isListening(port)) {
      if (System.currentTimeMillis() > deadline || !p.isAlive()) {
        throw new IllegalStateException("redis-server did not start on " + port);
      }
      Thread.sleep(50);
    }
    return p;
  }

  private static void requireRedisServerBinary() {
    boolean present = Files.isExecutable(Paths.get("/usr/bin/redis-server"));
    if (!present && System.getenv("CI") != null) {
      Assertions.fail("redis-server is not installed and CI is set: .ci/run installs it");
    }
    Assumptions.assumeTrue(present, "redis-server not installed");
  }

  @Test
  void aRedisRestartLosesNothingAndPresenceRebuildsItself() throws Exception {
    requireRedisServerBinary();
    int redisPort = TestServer.freePort();
    Process redis = redis(redisPort);
    TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_REDIS_URL", "redis://127.0.0.1:" + redisPort));
    try {
      JsonObject a = server.newUser("ra");
      JsonObject b = server.newUser("rb");
      long aId = a.getLong("ID");
      long bId = b.getLong("ID");
      try (ChatClient ca = ChatClient.openV2(server, a); ChatClient cb = ChatClient.openV2(server, b)) {
        ca.send(text(aId, bId, "before", "r-0"));
        assertEquals("ack", ca.nextJson().getString("Type"));
        assertEquals("before", cb.nextJson().getJsonObject("message").getString("Content"));

        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (int i = 1; i <= 3; i++) {
          ca.send(text(aId, bId, "during " + i, "r-" + i));
          JsonObject ack = ca.nextJson();
          assertEquals("ack", ack.getString("Type"), "stored while Redis is down: " + ack.encode());
        }
        redis = redis(redisPort);   // empty: it keeps nothing on disk
        assertTrue(ChatContract.eventually(() -> server.online(bId)), "presence rebuilt itself");

        ca.send(text(aId, bId, "after", "r-4"));
        assertEquals("ack", ca.nextJson().getString("Type"));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          got.add(cb.nextJson().getJsonObject("message").getString("Content"));
        }
        assertEquals(List.of("during 1", "during 2", "during 3", "after"), got, "nothing acknowledged is lost, in order");
        cb.expectNothing(300);
      }
    } finally {
      server.close();
      redis.destroyForcibly();
    }
  }

  // ---- MariaDB behind a relay that can be cut ----

  @Test
  void whileMariaDbIsUnreachableSendsAreRefusedClearlyAndServiceResumes() throws Exception {
    TcpRelay relay = new TcpRelay(3306);
    TestServer server = TestServer.mariaDbBehind(relay, "michat_it_outage");
    try {
      JsonObject a = server.newUser("ma");
      JsonObject b = server.newUser("mb");
      long aId = a.getLong("ID");
      long bId = b.getLong("ID");
      try (ChatClient ca = ChatClient.openV2(server, a); ChatClient cb = ChatClient.openV2(server, b)) {
        ca.send(text(aId, bId, "one", "m-1"));
        assertEquals("ack", ca.nextJson().getString("Type"));
        assertEquals("one", cb.nextJson().getJsonObject("message").getString("Content"));

        relay.cut();
        ca.send(text(aId, bId, "two", "m-2"));
        JsonObject refused = new JsonObject(ca.next(30_000));
        assertEquals(-1, refused.getInteger("Type"), refused.encode());
        assertEquals("unavailable", refused.getString("Error"), refused.encode());
        assertEquals("m-2", refused.getString("clientMsgId"));
        cb.expectNothing(300);
        assertEquals(503, TestServer.status(server.get("/ready")), "not ready without its database");

        relay.restore();
        JsonObject ack = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (ack == null && System.currentTimeMillis() < deadline) {
          ca.send(text(aId, bId, "two", "m-2"));   // the client re-sends with the same id
          JsonObject reply = new JsonObject(ca.next(30_000));
          if ("ack".equals(reply.getString("Type"))) {
            ack = reply;
          } else {
            Thread.sleep(200);
          }
        }
        assertTrue(ack != null, "service resumed by itself");
        assertEquals("two", cb.nextJson().getJsonObject("message").getString("Content"));
        cb.expectNothing(300);
        assertEquals(2, server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", aId), "each stored once");
        assertEquals(200, TestServer.status(server.get("/ready")));
      }
    } finally {
      server.close();
      relay.close();
    }
  }
}
