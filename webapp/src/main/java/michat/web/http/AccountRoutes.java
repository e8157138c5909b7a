package michat.web.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.stream.Collectors;
import michat.contract.Caller;
import michat.contract.UserApi;
import michat.contract.UserApi.UserInfo;
import michat.ginchat.GinchatJson;
import michat.ginchat.GinchatText;

/**
 * The ginchat {@code /user/*} routes. Registration and login are open; everything else needs a
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
    api.post("/user/createUser", Shape.ACCOUNT, this::create);
    api.post("/user/findUserByNameAndPwd", Shape.ACCOUNT, this::login);
    api.post("/user/logout", Shape.ACCOUNT, this::logout);
    api.post("/user/getUserList", Shape.ACCOUNT, this::list);
    api.post("/user/updateUser", Shape.ACCOUNT, this::update);
    api.post("/user/deleteUser", Shape.ACCOUNT, this::delete);
    api.post("/user/find", Shape.RESULT, this::find);
  }

  private void create(RoutingContext ctx) {
    services.request(UserApi.REGISTER, new UserApi.Register(Params.text(ctx, "name"), Params.text(ctx, "password"),
            Params.text(ctx, "Identity"), clientIp(ctx)))
        .onSuccess(user -> Replies.account(ctx, GinchatText.USER_CREATED, GinchatJson.user(user, "")))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    services.request(UserApi.LOGIN, new UserApi.Login(Params.text(ctx, "name"), Params.text(ctx, "password"),
            clientIp(ctx), String.valueOf(ctx.request().remoteAddress().port()),
            String.valueOf(ctx.request().getHeader("User-Agent"))))
        .onSuccess(reply -> {
          auth.setCookies(ctx, reply.token(), reply.user().id());
          Replies.account(ctx, GinchatText.LOGGED_IN, GinchatJson.user(reply.user(), reply.token()));
        })
        .onFailure(ctx::fail);
  }

  /**
   * Not in the original: ends the caller's session — its token is refused everywhere from now on, its
   * chat sockets close (4003) — and forgets the browser's cookie. Without a live session there is
   * nothing to end: the cookie is cleared all the same.
   */
  private void logout(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "id")
        .compose(caller -> services.request(UserApi.LOGOUT, new UserApi.Logout(caller))
                .onSuccess(done -> auth.clearCookies(ctx, caller.userId(), caller.token())).mapEmpty(),
            noSession -> {
              auth.clearLatestCookie(ctx);
              return Future.succeededFuture();
            })
        .onSuccess(v -> Replies.account(ctx, GinchatText.OK, null))
        .onFailure(ctx::fail);
  }

  /** Public fields of everyone; activity (login, heartbeat, logout) only of oneself and one's friends. */
  private void list(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> Future.all(services.request(UserApi.LIST, new UserApi.ListUsers(caller)), friendIds(caller))
            .map(both -> GinchatJson.usersSeenBy(both.<UserApi.Users>resultAt(0).users(), caller.userId(),
                both.resultAt(1))))
        .onSuccess(users -> Replies.account(ctx, GinchatText.OK, users))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "id")
        .compose(caller -> services.request(UserApi.UPDATE, new UserApi.UpdateUser(
            caller, Params.text(ctx, "name"), Params.text(ctx, "password"),
            Params.text(ctx, "currentPassword"), Params.text(ctx, "phone"), Params.text(ctx, "email"),
            Params.text(ctx, "icon"), clientIp(ctx))))
        .onSuccess(reply -> {
          String token = reply.token();
          if (token != null) {   // the password changed: every other session ended, this one goes on
            auth.setCookies(ctx, token, reply.user().id());
          }
          Replies.account(ctx, GinchatText.USER_UPDATED, GinchatJson.user(reply.user(), token == null ? "" : token));
        })
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "id")
        .compose(caller -> services.request(UserApi.DELETE, new UserApi.DeleteUser(caller)).map(caller))
        .onSuccess(caller -> {
          auth.clearCookies(ctx, caller.userId(), caller.token());
          Replies.account(ctx, GinchatText.USER_DELETED, null);
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
          Future<Set<Long>> friends = id == caller.userId() ? Future.succeededFuture(Set.of()) : friendIds(caller);
          return Future.all(services.request(UserApi.FIND, new UserApi.FindUser(caller, id)), friends)
              .map(both -> GinchatJson.userSeenBy(both.resultAt(0), caller.userId(), both.resultAt(1)));
        })
        .onSuccess(user -> Replies.result(ctx, GinchatText.OK, user))
        .onFailure(ctx::fail);
  }

  /** The ids of the caller's friends (contacts of kind 1). */
  private Future<Set<Long>> friendIds(Caller caller) {
    return services.request(UserApi.FRIENDS, new UserApi.ListFriends(caller))
        .map(reply -> reply.users().stream().map(UserInfo::id).collect(Collectors.toSet()));
  }
}
