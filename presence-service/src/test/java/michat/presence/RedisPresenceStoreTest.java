package michat.presence;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

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
