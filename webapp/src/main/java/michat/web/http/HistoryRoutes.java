package michat.web.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import michat.model.Addresses;

/**
 * Chat history from the durable store. {@code /user/redisMsg} keeps the seed's name and shape (H with
 * Rows = "ok" and Total = the raw message JSON strings) though Redis no longer holds history;
 * {@code /user/redisGroupMsg} is the same for a group. Indexes are inclusive, newest first unless
 * {@code isRev=true}; negative ones count from the other end (-1 = the last), as the seed's Redis
 * ranges did. At most 1,000 messages a page.
 */
public final class HistoryRoutes {
  private final Services services;
  private final SessionAuth auth;

  public HistoryRoutes(Services services, SessionAuth auth) {
    this.services = services;
    this.auth = auth;
  }

  public void mount(Api api) {
    api.post("/user/redisMsg", Shape.H, this::privateHistory);
    api.post("/user/redisGroupMsg", Shape.H, this::groupHistory);
  }

  /** Only for one of the two users: userIdA (or userIdB) must be the caller; the other is the peer. */
  private void privateHistory(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> {
          long a = Params.id(ctx, "userIdA") == null ? caller : Params.requiredId(ctx, "userIdA");
          long b = Params.requiredId(ctx, "userIdB");
          if (a != caller && b != caller) {
            throw michat.model.Failures.of(michat.model.Failures.FORBIDDEN, michat.model.SeedMessages.NOT_YOURSELF);
          }
          return services.request(Addresses.ROUTER_HISTORY, page(ctx, caller)
              .put("conversation", "p:" + Math.min(a, b) + ":" + Math.max(a, b)));
        })
        .onSuccess(reply -> Replies.hList(ctx, "ok", reply.getJsonArray("messages")))
        .onFailure(ctx::fail);
  }

  private void groupHistory(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.ROUTER_HISTORY, page(ctx, caller)
            .put("conversation", "g:" + Params.requiredId(ctx, "groupId"))))
        .onSuccess(reply -> Replies.hList(ctx, "ok", reply.getJsonArray("messages")))
        .onFailure(ctx::fail);
  }

  private static JsonObject page(RoutingContext ctx, long caller) {
    return new JsonObject()
        .put("requesterId", caller)
        .put("start", Params.integer(ctx, "start", 0))
        .put("end", Params.integer(ctx, "end", -1))
        .put("rev", Boolean.parseBoolean(Params.text(ctx, "isRev").trim()));
  }
}
