package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.OnlineQuery;
import michat.contract.UserApi;
import michat.ginchat.GinchatJson;
import michat.ginchat.GinchatText;

/**
 * Friends and groups: {@code /searchFriends} and the ginchat {@code /contact/*} routes. The id
 * parameters the original trusted ({@code userId}, {@code ownerId}) may be omitted; when given they must
 * be the caller's own.
 */
public final class ContactRoutes {
  private final Services services;
  private final SessionAuth auth;

  public ContactRoutes(Services services, SessionAuth auth) {
    this.services = services;
    this.auth = auth;
  }

  public void mount(Api api) {
    api.post("/searchFriends", Shape.RESULT, this::friends);
    api.post("/contact/addfriend", Shape.RESULT, this::addFriend);
    api.post("/contact/createCommunity", Shape.RESULT, this::createGroup);
    api.post("/contact/loadcommunity", Shape.RESULT, this::myGroups);
    api.post("/contact/joinGroup", Shape.RESULT, this::joinGroup);
    api.post("/contact/updateCommunity", Shape.RESULT, this::updateGroup);
  }

  private void friends(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "userId")
        .compose(caller -> services.request(UserApi.FRIENDS,
            new UserApi.ListFriends(caller)))
        .compose(reply -> withOnlineFlags(GinchatJson.friendUsers(reply.users())))
        .onSuccess(users -> Replies.resultList(ctx, users, users.size()))
        .onFailure(ctx::fail);
  }

  /**
   * Adds {@code Online} to each friend (michat's addition; ginchat clients ignore it). When presence
   * does not answer, the list is still served, with everyone shown offline.
   */
  private Future<JsonArray> withOnlineFlags(JsonArray users) {
    List<Long> ids = new ArrayList<>(users.size());
    users.forEach(u -> ids.add(((JsonObject) u).getLong("ID")));
    return services.request(PresenceApi.ONLINE, new OnlineQuery(ids))
        .<Set<Long>>map(reply -> new HashSet<>(reply.userIds()))
        .otherwise(Set.of())
        .map(online -> {
          users.forEach(u -> ((JsonObject) u).put("Online", online.contains(((JsonObject) u).getLong("ID"))));
          return users;
        });
  }

  private void addFriend(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "userId")
        .compose(caller -> services.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(
            caller, Params.text(ctx, "targetName"))))
        .onSuccess(friend -> Replies.result(ctx, GinchatText.FRIEND_ADDED, GinchatJson.friendUser(friend)))
        .onFailure(ctx::fail);
  }

  private void createGroup(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "ownerId", GinchatText.PLEASE_LOG_IN)
        .compose(caller -> services.request(UserApi.CREATE_GROUP, new UserApi.CreateGroup(
            caller, Params.text(ctx, "name"), Params.text(ctx, "icon"),
            Params.text(ctx, "desc"), Params.bool(ctx, "historyVisible", false))))
        .onSuccess(group -> Replies.result(ctx, GinchatText.GROUP_CREATED, GinchatJson.group(group)))
        .onFailure(ctx::fail);
  }

  /** The original puts the message in Total here; an empty list is a success (the original said -1). */
  private void myGroups(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "ownerId")
        .compose(caller -> services.request(UserApi.MY_GROUPS,
            new UserApi.MyGroups(caller)))
        .onSuccess(reply -> Replies.resultList(ctx, GinchatJson.groups(reply.groups()), GinchatText.GROUPS_LOADED))
        .onFailure(ctx::fail);
  }

  private void joinGroup(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "userId")
        .compose(caller -> services.request(UserApi.JOIN_GROUP, new UserApi.JoinGroup(
            caller, Params.text(ctx, "comId"))))
        .onSuccess(group -> Replies.result(ctx, GinchatText.GROUP_JOINED, GinchatJson.group(group)))
        .onFailure(ctx::fail);
  }

  /** Not in the original: the owner shares a group's earlier history with members who join later, or stops. */
  private void updateGroup(RoutingContext ctx) {
    auth.callerNamedBy(ctx, "ownerId")
        .compose(caller -> services.request(UserApi.UPDATE_GROUP, new UserApi.UpdateGroup(
            caller, Params.requiredId(ctx, "comId"),
            Params.bool(ctx, "historyVisible", null))))
        .onSuccess(group -> Replies.result(ctx, GinchatText.GROUP_UPDATED, GinchatJson.group(group)))
        .onFailure(ctx::fail);
  }
}
