package michat.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.contract.UserApi;
import michat.model.Failures;
import michat.web.http.Services;

/**
 * {@code POST /admin/bench-seed}: the load generator's bulk path to users, friends and groups
 * (user-service's {@link UserApi#BENCH_SEED}, which checks the secret again). Exists only when {@code bench.seedSecret} is
 * set, and answers only requests whose {@code X-Michat-Bench-Secret} header equals it (else 403). Off
 * by default: a production deployment that never sets the secret has neither the route nor the
 * event-bus consumer.
 */
final class BenchSeedRoute {
  static final String PATH = "/admin/bench-seed";
  static final String HEADER = "X-Michat-Bench-Secret";

  private final Services services;
  private final byte[] secret;

  private BenchSeedRoute(Services services, String secret) {
    this.services = services;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** Refuses a secret too short to be one (start-up fails with the setting named). */
  static void check(MichatConfig cfg) {
    String s = cfg.string(ConfigKeys.BENCH_SEED_SECRET);
    if (!s.isEmpty() && s.length() < 32) {
      throw cfg.invalid(ConfigKeys.BENCH_SEED_SECRET, "must be at least 32 characters when set");
    }
  }

  static void mountIfEnabled(MichatConfig cfg, Router router, Services services) {
    String s = cfg.string(ConfigKeys.BENCH_SEED_SECRET);
    if (!s.isEmpty()) {
      BenchSeedRoute route = new BenchSeedRoute(services, s);
      router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(4096)).handler(route::seed);
    }
  }

  private void seed(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("Code", -1).put("Msg", "bench seeding needs the right " + HEADER).encode());
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      ctx.response().setStatusCode(400).end("a JSON object body is expected");
      return;
    }
    UserApi.BenchSeed req;
    try {
      req = new UserApi.BenchSeed(given, body.getString("prefix", ""), body.getInteger("users", 0),
          body.getString("password", ""), body.getInteger("friends", 0), body.getInteger("groups", 0),
          body.getInteger("groupSize", 0));
    } catch (ClassCastException e) {
      ctx.response().setStatusCode(400).end("prefix and password are strings; users, friends, groups, groupSize numbers");
      return;
    }
    services.request(UserApi.BENCH_SEED, req)
        .onSuccess(reply -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(JsonObject.mapFrom(reply).toBuffer()))
        .onFailure(err -> ctx.response().setStatusCode(Math.max(400, Failures.codeOf(err)))
            .putHeader("Content-Type", "application/json; charset=utf-8")
            .end(new JsonObject().put("Code", -1).put("Msg", String.valueOf(err.getMessage())).encode()));
  }
}
