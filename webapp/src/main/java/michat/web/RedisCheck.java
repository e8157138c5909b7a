package michat.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.RedisSettings;

/** At start-up, a configured Redis must answer PING: a wrong redis.url stops start-up with one line. */
final class RedisCheck {
  private static final long TIMEOUT_MS = 5000;

  private RedisCheck() {}

  static Future<Void> reachable(Vertx vertx, MichatConfig cfg) {
    return RedisSettings.from(cfg).map(settings -> {
      Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.connectionString()));
      return RedisAPI.api(client).ping(List.of())
          .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .<Void>mapEmpty()
          .recover(err -> Future.failedFuture(cfg.invalid(ConfigKeys.REDIS_URL,
              "cannot reach " + settings.describe() + ": " + String.valueOf(err.getMessage()).replaceAll("\\s+", " "))))
          .onComplete(done -> client.close());
    }).orElse(Future.succeededFuture());
  }
}
