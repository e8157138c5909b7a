package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real-time chat with MariaDB and Redis: the same contract, plus the seed's online_ keys in Redis. */
class ServersChatTest extends ChatContract {
  static final int REDIS_DB = 9;
  private static TestServer server;
  private static Redis client;
  private static RedisAPI redis;

  @BeforeAll
  static void start() {
    TestServer.requireRedis();
    client = Redis.createClient(io.vertx.core.Vertx.vertx(), new RedisOptions()
        .setConnectionString("redis://127.0.0.1:6379/" + REDIS_DB));
    redis = RedisAPI.api(client);
    TestServer.await(redis.flushdb(List.of()));
    server = TestServer.mariadb("michat_it_chat", "redis://127.0.0.1:6379/" + REDIS_DB);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @Override
  TestServer server() {
    return server;
  }

  @Override
  void publishOnChannel(String payload) {
    // PUBLISH goes to every database's subscribers: the channel is global in Redis.
    TestServer.await(redis.publish("websocket", payload));
  }

  @Test
  void onlineKeyIsSetRefreshedAndRemoved() throws Exception {
    User a = user("ra");
    String key = "online_" + a.id();
    assertNull(TestServer.await(redis.get(key)));
    try (ChatClient c = ChatClient.open(server, a.token())) {
      Response ttl = TestServer.await(redis.ttl(key));
      assertTrue(ttl.toLong() > 4 * 3600 - 60 && ttl.toLong() <= 4 * 3600, "TTL of RedisOnlineTime hours: " + ttl);
      TestServer.await(redis.expire(List.of(key, "100")));
      c.send(heartbeat(a.id()));
      assertTrue(eventually(() -> TestServer.await(redis.ttl(key)).toLong() > 3600), "a heartbeat refreshes the TTL");
      assertEquals(1, TestServer.await(redis.hlen("michat:sessions:" + a.id())).toInteger());
    }
    assertTrue(eventually(() -> TestServer.await(redis.get(key)) == null), "removed when the last session closes");
  }
}
