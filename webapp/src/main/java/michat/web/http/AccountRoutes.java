package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;
import michat.model.Addresses;
import michat.model.SeedJson;
import michat.model.SeedMessages;

/**
 * The seed's {@code /user/*} routes. Registration and login are open; everything else needs a
 * session token, and changing or deleting a user is allowed only to that user.
 */
public final class AccountRoutes {
  private final Services services;
  private final SessionAuth auth;
  private final ClientAddresses clients;

  public AccountRoutes(Services services, SessionAuth auth, ClientAddresses clients) {
    this.services = services;
    this.auth = auth;
    this.clients = clients;
  }

  public void mount(Api api) {
    api.post("/user/createUser", Shape.G, this::create);
    api.post("/user/findUserByNameAndPwd", Shape.G, this::login);
    api.post("/user/logout", Shape.G, this::logout);
    api.post("/user/getUserList", Shape.G, this::list);
    api.post("/user/updateUser", Shape.G, this::update);
    api.post("/user/deleteUser", Shape.G, this::delete);
    api.post("/user/find", Shape.H, this::find);
  }

  private void create(RoutingContext ctx) {
    JsonObject req = new JsonObject()
        .put("name", Params.text(ctx, "name"))
        .put("password", Params.text(ctx, "password"))
        .put("confirm", Params.text(ctx, "Identity"))
        .put("clientIp", clientIp(ctx));
    services.request(Addresses.USER_REGISTER, req, Addresses.ACCOUNT_REQUEST_TIMEOUT_MS)
        .onSuccess(user -> Replies.g(ctx, SeedMessages.USER_CREATED, SeedJson.user(user, "")))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonObject req = new JsonObject()
        .put("name", Params.text(ctx, "name"))
        .put("password", Params.text(ctx, "password"))
        .put("clientIp", clientIp(ctx))
        .put("clientPort", String.valueOf(ctx.request().remoteAddress().port()))
        .put("deviceInfo", String.valueOf(ctx.request().getHeader("User-Agent")));
    services.request(Addresses.USER_LOGIN, req, Addresses.ACCOUNT_REQUEST_TIMEOUT_MS)
        .onSuccess(reply -> {
          String token = reply.getString("token");
          auth.setCookie(ctx, token);
          Replies.g(ctx, SeedMessages.LOGGED_IN, SeedJson.user(reply.getJsonObject("user"), token));
        })
        .onFailure(ctx::fail);
  }

  /**
   * Not in the seed: ends the caller's session — its token is refused everywhere from now on, its
   * chat sockets close (4003) — and forgets the browser's cookie. Without a live session there is
   * nothing to end: the cookie is cleared all the same.
   */
  private void logout(RoutingContext ctx) {
    auth.session(ctx)
        .compose(s -> services.request(Addresses.USER_LOGOUT, new JsonObject().put("userId", s.userId())
                .put("sessionId", s.id()).put("expiresAt", s.expiresAt()))
            .mapEmpty(), err -> Future.succeededFuture())
        .onSuccess(v -> {
          auth.clearCookie(ctx);
          Replies.g(ctx, SeedMessages.OK, null);
        })
        .onFailure(ctx::fail);
  }

  /** Public fields of everyone; activity (login, heartbeat, logout) only of oneself and one's friends. */
  private void list(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> Future.all(services.request(Addresses.USER_LIST, new JsonObject()), friendIds(caller))
            .map(both -> SeedJson.usersSeenBy(both.<JsonObject>resultAt(0).getJsonArray("users"), caller,
                both.resultAt(1))))
        .onSuccess(users -> Replies.g(ctx, SeedMessages.OK, users))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> {
          JsonObject req = new JsonObject()
              .put("id", SessionAuth.self(caller, Params.id(ctx, "id")))
              .put(SeedJson.NAME, Params.text(ctx, "name"))
              .put("password", Params.text(ctx, "password"))
              .put("currentPassword", Params.text(ctx, "currentPassword"))
              .put(SeedJson.PHONE, Params.text(ctx, "phone"))
              .put(SeedJson.EMAIL, Params.text(ctx, "email"))
              .put(SeedJson.AVATAR, Params.text(ctx, "icon"))
              .put("clientIp", clientIp(ctx));
          return services.request(Addresses.USER_UPDATE, req, Addresses.ACCOUNT_REQUEST_TIMEOUT_MS);
        })
        .onSuccess(reply -> {
          String token = reply.getString("token");
          if (token != null) {   // the password changed: every other session ended, this one goes on
            auth.setCookie(ctx, token);
          }
          Replies.g(ctx, SeedMessages.USER_UPDATED, SeedJson.user(reply.getJsonObject("user"), token == null ? "" : token));
        })
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.USER_DELETE,
            new JsonObject().put("id", SessionAuth.self(caller, Params.id(ctx, "id")))))
        .onSuccess(user -> {
          auth.clearCookie(ctx);
          Replies.g(ctx, SeedMessages.USER_DELETED, null);
        })
        .onFailure(ctx::fail);
  }

  /** The client's address: what user-service throttles password guessing and shares its hashing queue by. */
  private String clientIp(RoutingContext ctx) {
    return clients.of(ctx.request());
  }

  /**
   * Anyone logged in may look a user up; phone, e-mail and client details only for oneself,
   * activity only for oneself and friends.
   */
  private void find(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> {
          long id = Params.requiredId(ctx, "userId");
          Future<Set<Long>> friends = id == caller ? Future.succeededFuture(Set.of()) : friendIds(caller);
          return Future.all(services.request(Addresses.USER_FIND, new JsonObject().put("id", id)), friends)
              .map(both -> SeedJson.userSeenBy(both.resultAt(0), caller, both.resultAt(1)));
        })
        .onSuccess(user -> Replies.h(ctx, SeedMessages.OK, user))
        .onFailure(ctx::fail);
  }

  /** The ids of the user's friends (contacts of kind 1). */
  private Future<Set<Long>> friendIds(long userId) {
    return services.request(Addresses.FRIEND_LIST, new JsonObject().put("userId", userId))
        .map(reply -> {
          Set<Long> ids = new HashSet<>();
          reply.getJsonArray("users").forEach(u -> ids.add(((JsonObject) u).getLong(SeedJson.ID)));
          return ids;
        });
  }
}
