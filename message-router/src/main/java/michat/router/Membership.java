package michat.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import michat.model.Addresses;
import michat.model.Conversations;
import michat.model.Failures;
import michat.model.SeedJson;

/**
 * What the router needs from user-service, cached: group members (with their join points and the
 * group's history setting) and whether a user exists. Entries are dropped when user-service announces
 * a change ({@link Addresses#GROUP_CHANGED}, {@link Addresses#USER_DELETED}) and expire after
 * {@link #TTL_MS} in case an announcement was missed.
 * Used from the router verticle's event loop only.
 */
final class Membership {
  static final long TTL_MS = 60_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(Addresses.REQUEST_TIMEOUT_MS);

  private record Entry<T>(T value, long expires) {}

  /**
   * A group as the router needs it. {@code joinedAt}: the group's last sequence number when each
   * member joined (absent: 0, all history — the owner, and members from before join points existed).
   */
  record Group(Set<Long> members, long ownerId, boolean historyVisible, Map<Long, Long> joinedAt) {
    /** The sequence number after which messages were addressed to the member (catch-up, gap fill). */
    long joinedAt(long userId) {
      return joinedAt.getOrDefault(userId, 0L);
    }

    /** The sequence number after which the member may read the group's history: 0 = everything. */
    long readableAfter(long userId) {
      return historyVisible || userId == ownerId ? 0 : joinedAt(userId);
    }
  }

  private final Vertx vertx;
  private final Map<Long, Entry<Group>> groups = new HashMap<>();
  private final Map<Long, Entry<Boolean>> users = new HashMap<>();

  Membership(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().<JsonObject>consumer(Addresses.GROUP_CHANGED, m -> groups.remove(m.body().getLong("groupId")));
    vertx.eventBus().<JsonObject>consumer(Addresses.USER_DELETED, m -> {
      users.remove(m.body().getLong("id"));
      groups.clear();
    });
  }

  /** The group's member ids; fails with a {@link Rejection} when there is no such group. */
  Future<Set<Long>> members(long groupId) {
    return group(groupId).map(Group::members);
  }

  /** The group's members, owner, setting and join points; fails with a {@link Rejection} when there is no such group. */
  Future<Group> group(long groupId) {
    Entry<Group> cached = groups.get(groupId);
    if (cached != null && cached.expires > System.currentTimeMillis()) {
      return Future.succeededFuture(cached.value);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.GROUP_MEMBERS, new JsonObject().put("groupId", groupId), REQUEST)
        .map(reply -> {
          JsonObject body = reply.body();
          Set<Long> ids = new HashSet<>();
          JsonArray list = body.getJsonArray("members");
          for (int i = 0; i < list.size(); i++) {
            ids.add(list.getLong(i));
          }
          Map<Long, Long> joinedAt = new HashMap<>();
          JsonObject given = body.getJsonObject(SeedJson.JOINED_AT_SEQ, new JsonObject());
          given.fieldNames().forEach(id -> joinedAt.put(Long.parseLong(id), given.getLong(id)));
          Group g = new Group(ids, body.getLong(SeedJson.OWNER_ID), body.getBoolean(SeedJson.HISTORY_VISIBLE, false), joinedAt);
          groups.put(groupId, new Entry<>(g, System.currentTimeMillis() + TTL_MS));
          return g;
        })
        .recover(err -> Failures.codeOf(err) == Failures.NOT_FOUND
            ? Future.failedFuture(new Rejection(Rejection.NO_SUCH_GROUP, "no group " + groupId))
            : Future.failedFuture(err));
  }

  /** Completes when the user exists; fails with a {@link Rejection} otherwise. */
  Future<Void> userExists(long userId) {
    Entry<Boolean> cached = users.get(userId);
    if (cached != null && cached.expires > System.currentTimeMillis()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JsonObject>request(Addresses.USER_FIND, new JsonObject().put("id", userId), REQUEST)
        .<Void>map(reply -> {
          users.put(userId, new Entry<>(true, System.currentTimeMillis() + TTL_MS));
          return null;
        })
        .recover(err -> err instanceof ReplyException && Failures.codeOf(err) == Failures.NOT_FOUND
            ? Future.failedFuture(new Rejection(Rejection.NO_SUCH_USER, "no user " + userId))
            : Future.failedFuture(err));
  }

  /**
   * The conversations of the groups a user is in, each with the user's join point: what was sent up
   * to it was never addressed to the user (read fresh: catch-up runs once per connect).
   */
  Future<Map<String, Long>> groupConversations(long userId) {
    return vertx.eventBus().<JsonObject>request(Addresses.GROUP_LIST_FOR_USER, new JsonObject().put("userId", userId), REQUEST)
        .map(reply -> {
          Map<String, Long> out = new LinkedHashMap<>();
          reply.body().getJsonArray("groups").forEach(o -> {
            JsonObject g = (JsonObject) o;
            out.put(Conversations.group(g.getLong(SeedJson.ID)), g.getLong(SeedJson.JOINED_AT_SEQ, 0L));
          });
          return out;
        });
  }
}
