package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.config.RedisSettings;
import michat.contract.UserApi;

/**
 * {@code /health}: the process answers. {@code /ready}: user-service and its SQL store answer, and
 * Redis when configured — what a load balancer or Kubernetes should wait for. Both are open to
 * anyone on the application port, so they say UP or DOWN per check and nothing else (no versions,
 * hosts or error texts).
 */
public final class HealthRoutes {
  public static final String HEALTH = "/health";
  public static final String READY = "/ready";
  /**
   * Each check's time; they run side by side, so {@code /ready} answers within this (a probe must
   * answer within 1 s whatever the dependencies do: a frozen MariaDB or Redis is DOWN, not a hang).
   */
  static final long CHECK_TIMEOUT_MS = 700;

  private final Services services;
  private final Redis client;
  private final RedisAPI redis;
  /** The PING still unanswered, if any: a frozen Redis gets one at a time, not one per request. */
  private Future<?> pendingPing;

  /** With a Redis client of its own when Redis is configured; {@link #close()} closes it. */
  public HealthRoutes(Vertx vertx, MichatConfig cfg) {
    this.services = new Services(vertx);
    this.client = RedisSettings.from(cfg)
        .map(r -> Redis.createClient(vertx, new RedisOptions().setConnectionString(r.connectionString())))
        .orElse(null);
    this.redis = client == null ? null : RedisAPI.api(client);
  }

  public void close() {
    if (client != null) {
      client.close();
    }
  }

  public void mount(Router router) {
    router.get(HEALTH).handler(this::health);
    router.get(READY).handler(this::ready);
  }

  private void health(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "UP"));
  }

  private void ready(RoutingContext ctx) {
    Future<String> storage = services.request(UserApi.HEALTH, new UserApi.HealthCheck(), CHECK_TIMEOUT_MS)
        .map("UP").otherwise("DOWN");
    Future<String> cache = redis == null ? Future.succeededFuture("not configured")
        : ping().timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS).map("UP").otherwise("DOWN");
    Future.join(storage, cache).onComplete(done -> {
      boolean up = "UP".equals(storage.result()) && !"DOWN".equals(cache.result());
      send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN")
          .put("checks", new JsonObject().put("storage", storage.result()).put("redis", cache.result())));
    });
  }

  /** Used from this verticle's event loop only. */
  private Future<?> ping() {
    if (pendingPing == null || pendingPing.isComplete()) {
      pendingPing = redis.ping(List.of());
    }
    return pendingPing;
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
