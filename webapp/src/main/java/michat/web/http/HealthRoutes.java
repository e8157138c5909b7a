package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import michat.model.Addresses;

/**
 * {@code /health}: the process answers. {@code /ready}: user-service and its SQL store answer, and
 * Redis when configured — what a load balancer or Kubernetes should wait for.
 */
public final class HealthRoutes {
  public static final String HEALTH = "/health";
  public static final String READY = "/ready";
  private static final long CHECK_TIMEOUT_MS = 3000;

  private final Services services;
  private final RedisAPI redis;

  /** {@code redis} is null when no Redis is configured. */
  public HealthRoutes(Services services, RedisAPI redis) {
    this.services = services;
    this.redis = redis;
  }

  public void mount(Router router) {
    router.get(HEALTH).handler(this::health);
    router.get(READY).handler(this::ready);
  }

  private void health(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "UP"));
  }

  private void ready(RoutingContext ctx) {
    Future<String> storage = services.request(Addresses.USER_HEALTH, new JsonObject(), CHECK_TIMEOUT_MS)
        .map("UP").otherwise("DOWN");
    Future<String> cache = redis == null ? Future.succeededFuture("not configured")
        : redis.ping(List.of()).timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS).map("UP").otherwise("DOWN");
    Future.join(storage, cache).onComplete(done -> {
      boolean up = "UP".equals(storage.result()) && !"DOWN".equals(cache.result());
      send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN")
          .put("checks", new JsonObject().put("storage", storage.result()).put("redis", cache.result())));
    });
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
