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
import michat.model.Addresses;
import michat.model.SeedJson;
import michat.model.SeedMessages;

/**
 * Friends and groups: {@code /searchFriends} and the seed's {@code /contact/*} routes. The id
 * parameters the seed trusted ({@code userId}, {@code ownerId}) may be omitted; when given they must
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
    api.post("/searchFriends", Shape.H, this::friends);
    api.post("/contact/addfriend", Shape.H, this::addFriend);
    api.post("/contact/createCommunity", Shape.H, this::createGroup);
    api.post("/contact/loadcommunity", Shape.H, this::myGroups);
    api.post("/contact/joinGroup", Shape.H, this::joinGroup);
    api.post("/contact/updateCommunity", Shape.H, this::updateGroup);
  }

  private void friends(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.FRIEND_LIST,
            new JsonObject().put("userId", SessionAuth.self(caller, Params.id(ctx, "userId")))))
        .compose(reply -> withOnlineFlags(SeedJson.friendUsers(reply.getJsonArray("users"))))
        .onSuccess(users -> Replies.hList(ctx, users, users.size()))
        .onFailure(ctx::fail);
  }

  /**
   * Adds {@code Online} to each friend (michat's addition; seed clients ignore it). When presence
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
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.FRIEND_ADD, new JsonObject()
            .put("userId", SessionAuth.self(caller, Params.id(ctx, "userId")))
            .put("targetName", Params.text(ctx, "targetName"))))
        .onSuccess(friend -> Replies.h(ctx, SeedMessages.FRIEND_ADDED, SeedJson.friendUser(friend)))
        .onFailure(ctx::fail);
  }

  private void createGroup(RoutingContext ctx) {
    auth.caller(ctx, SeedMessages.PLEASE_LOG_IN)
        .compose(caller -> services.request(Addresses.GROUP_CREATE, new JsonObject()
            .put("ownerId", SessionAuth.self(caller, Params.id(ctx, "ownerId")))
            .put("name", Params.text(ctx, "name"))
            .put("img", Params.text(ctx, "icon"))
            .put("desc", Params.text(ctx, "desc"))
            .put("historyVisible", Params.bool(ctx, "historyVisible", false))))
        .onSuccess(group -> Replies.h(ctx, SeedMessages.GROUP_CREATED, SeedJson.group(group)))
        .onFailure(ctx::fail);
  }

  /** The seed puts the message in Total here; an empty list is a success (the seed said -1). */
  private void myGroups(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.GROUP_LIST_FOR_USER,
            new JsonObject().put("userId", SessionAuth.self(caller, Params.id(ctx, "ownerId")))))
        .onSuccess(reply -> Replies.hList(ctx, SeedJson.groups(reply.getJsonArray("groups")), SeedMessages.GROUPS_LOADED))
        .onFailure(ctx::fail);
  }

  private void joinGroup(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.GROUP_JOIN, new JsonObject()
            .put("userId", SessionAuth.self(caller, Params.id(ctx, "userId")))
            .put("group", Params.text(ctx, "comId"))))
        .onSuccess(group -> Replies.h(ctx, SeedMessages.GROUP_JOINED, SeedJson.group(group)))
        .onFailure(ctx::fail);
  }

  /** Not in the seed: the owner shares a group's earlier history with members who join later, or stops. */
  private void updateGroup(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> services.request(Addresses.GROUP_UPDATE, new JsonObject()
            .put("userId", SessionAuth.self(caller, Params.id(ctx, "ownerId")))
            .put("groupId", Params.requiredId(ctx, "comId"))
            .put("historyVisible", Params.bool(ctx, "historyVisible", null))))
        .onSuccess(group -> Replies.h(ctx, SeedMessages.GROUP_UPDATED, SeedJson.group(group)))
        .onFailure(ctx::fail);
  }
}
