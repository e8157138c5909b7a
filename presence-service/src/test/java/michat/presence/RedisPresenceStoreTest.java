package michat.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The contract on a real Redis (127.0.0.1:6379, database 13, emptied first). */
class RedisPresenceStoreTest extends PresenceStoreContract {
  private static final String URL = "redis://127.0.0.1:6379/13";

  @Override
  PresenceStore create(Vertx vertx) throws Exception {
    requireRedis();
    Redis client = Redis.createClient(vertx, URL);
    await(RedisAPI.api(client).flushdb(List.of()));
    client.close();
    return new RedisPresenceStore(vertx, URL, 3600);
  }

  @Test
  void aDeadNodesThousandsOfSessionsAreDroppedInOneReap() throws Exception {
    await(store.nodeAlive("node-live", "i1"));
    await(store.nodeAlive("node-dead", "i1"));
    int n = 2_345;
    List<Future<Void>> connects = new ArrayList<>();
    for (long user = 1; user <= n; user++) {
      connects.add(store.connect(user, "node-dead", "s" + user));
    }
    connects.add(store.connect(1, "node-live", "s-live"));   // user 1 is also on a live node
    await(Future.all(connects));
    RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, URL));
    await(redis.del(List.of(RedisPresenceStore.NODE + "node-dead")));   // its liveness expired

    await(store.reapDeadNodes());

    assertEquals(1L, await(redis.exists(List.of(RedisPresenceStore.ONLINE + 1))).toLong(), "user 1 is still online");
    for (long user = 2; user <= n; user += 97) {
      assertEquals(0L, await(redis.exists(List.of(RedisPresenceStore.ONLINE + user))).toLong(), "user " + user);
      assertEquals(0L, await(redis.exists(List.of(RedisPresenceStore.SESSIONS + user))).toLong(), "user " + user);
    }
    assertEquals(0L, await(redis.exists(List.of(RedisPresenceStore.NODE_USERS + "node-dead"))).toLong());
    assertEquals(0L, await(redis.sismember(RedisPresenceStore.NODES, "node-dead")).toLong(), "the node is forgotten");
  }

  @Test
  void heartbeatsOfThousandsOfUsersAtOnceRefreshEveryOnlineKey() throws Exception {
    int n = 2_345;
    List<Future<Void>> connects = new ArrayList<>();
    for (long user = 1; user <= n; user++) {
      connects.add(store.connect(user, "node-a", "s" + user));
    }
    await(Future.all(connects));
    RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, URL));
    List<Long> sample = new ArrayList<>();
    for (long user = 1; user <= n; user += 97) {
      sample.add(user);
    }
    sample.add((long) n);   // in the last pipeline
    for (long user : sample) {   // about to expire
      await(redis.expire(List.of(RedisPresenceStore.ONLINE + user, "5")));
      await(redis.expire(List.of(RedisPresenceStore.SESSIONS + user, "5")));
    }

    await(store.heartbeat(LongStream.rangeClosed(1, n).boxed().toList(), "node-a"));

    for (long user : sample) {
      assertTrue(await(redis.ttl(RedisPresenceStore.ONLINE + user)).toLong() > 3000, "online_" + user + " refreshed");
      assertTrue(await(redis.ttl(RedisPresenceStore.SESSIONS + user)).toLong() > 3000, "sessions of " + user + " refreshed");
    }
  }

  private static void requireRedis() {
    boolean up;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
      up = true;
    } catch (IOException e) {
      up = false;
    }
    if (!up && System.getenv("CI") != null) {
      Assertions.fail("Redis is not reachable on 127.0.0.1:6379 and CI is set: start it (see .ci/run)");
    }
    Assumptions.assumeTrue(up, "Redis not running on 127.0.0.1:6379");
  }
}
