package michat.web.http;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import michat.contract.Caller;
import michat.contract.RouterApi;
import michat.model.Conversations;
import michat.model.Failures;
import michat.ginchat.GinchatText;

/**
 * Chat history from the durable store. {@code /user/redisMsg} keeps the original's name and shape (RESULT with
 * Rows = "ok" and Total = the raw message JSON strings) though Redis no longer holds history;
 * {@code /user/redisGroupMsg} is the same for a group. Indexes are inclusive, newest first unless
 * {@code isRev=true}; negative ones count from the other end (-1 = the last), as the original's Redis
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
    api.post("/user/redisMsg", Shape.RESULT, this::privateHistory);
    api.post("/user/redisGroupMsg", Shape.RESULT, this::groupHistory);
  }

  /** Only for one of the two users: userIdA (or userIdB) must be the caller; the other is the peer. */
  private void privateHistory(RoutingContext ctx) {
    auth.callerPreferring(ctx, "userIdA")
        .compose(caller -> {
          long a = Params.id(ctx, "userIdA") == null ? caller.userId() : Params.requiredId(ctx, "userIdA");
          long b = Params.requiredId(ctx, "userIdB");
          if (a != caller.userId() && b != caller.userId()) {
            throw Failures.of(Failures.FORBIDDEN, GinchatText.NOT_YOURSELF);
          }
          return services.request(RouterApi.HISTORY, page(ctx, caller, Conversations.privateChat(a, b)));
        })
        .onSuccess(reply -> Replies.resultList(ctx, "ok", new JsonArray(reply.messages())))
        .onFailure(ctx::fail);
  }

  private void groupHistory(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(RouterApi.HISTORY,
            page(ctx, caller, Conversations.group(Params.requiredId(ctx, "groupId")))))
        .onSuccess(reply -> Replies.resultList(ctx, "ok", new JsonArray(reply.messages())))
        .onFailure(ctx::fail);
  }

  private static RouterApi.History page(RoutingContext ctx, Caller caller, String conversation) {
    return new RouterApi.History(caller, conversation, Params.integer(ctx, "start", 0), Params.integer(ctx, "end", -1),
        Boolean.parseBoolean(Params.text(ctx, "isRev").trim()));
  }
}
