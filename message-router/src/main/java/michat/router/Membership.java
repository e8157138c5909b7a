package michat.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import michat.model.Addresses;
import michat.model.Conversations;
import michat.model.Failures;

/**
 * What the router needs from user-service, cached: group members and whether a user exists. Entries
 * are dropped when user-service announces a change ({@link Addresses#GROUP_CHANGED},
 * {@link Addresses#USER_DELETED}) and expire after {@link #TTL_MS} in case an announcement was missed.
 * Used from the router verticle's event loop only.
 */
final class Membership {
  static final long TTL_MS = 60_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(Addresses.REQUEST_TIMEOUT_MS);

  private record Entry<T>(T value, long expires) {}

  private final Vertx vertx;
  private final Map<Long, Entry<Set<Long>>> members = new HashMap<>();
  private final Map<Long, Entry<Boolean>> users = new HashMap<>();

  Membership(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().<JsonObject>consumer(Addresses.GROUP_CHANGED, m -> members.remove(m.body().getLong("groupId")));
    vertx.eventBus().<JsonObject>consumer(Addresses.USER_DELETED, m -> {
      users.remove(m.body().getLong("id"));
      members.clear();
    });
  }

  /** The group's member ids; fails with a {@link Rejection} when there is no such group. */
  Future<Set<Long>> members(long groupId) {
    Entry<Set<Long>> cached = members.get(groupId);
    if (cached != null && cached.expires > System.currentTimeMillis()) {
      return Future.succeededFuture(cached.value);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.GROUP_MEMBERS, new JsonObject().put("groupId", groupId), REQUEST)
        .map(reply -> {
          Set<Long> ids = new HashSet<>();
          JsonArray list = reply.body().getJsonArray("members");
          for (int i = 0; i < list.size(); i++) {
            ids.add(list.getLong(i));
          }
          members.put(groupId, new Entry<>(ids, System.currentTimeMillis() + TTL_MS));
          return ids;
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

  /** The conversations of the groups a user is in. */
  Future<List<String>> groupConversations(long userId) {
    return vertx.eventBus().<JsonObject>request(Addresses.GROUP_LIST_FOR_USER, new JsonObject().put("userId", userId), REQUEST)
        .map(reply -> reply.body().getJsonArray("groups").stream()
            .map(g -> Conversations.group(((JsonObject) g).getLong("id")))
            .toList());
  }
}
