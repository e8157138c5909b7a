package michat.router;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import michat.contract.Caller;
import michat.contract.Rejection;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.model.Conversations;
import michat.model.Failures;

/**
 * What the router needs from user-service, cached: group members (with their join points and the
 * group's history setting) and whether a user exists. Entries are dropped when user-service announces
 * a change ({@link UserApi#GROUP_CHANGED}, {@link UserApi#USER_DELETED}) and expire after
 * {@link #TTL_MS} in case an announcement was missed.
 * Used from the router verticle's event loop only.
 */
final class Membership {
  static final long TTL_MS = 60_000;

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

  private final ServiceBus bus;
  private final Map<Long, Entry<Group>> groups = new HashMap<>();
  private final Map<Long, Entry<Boolean>> users = new HashMap<>();

  Membership(ServiceBus bus) {
    this.bus = bus;
    bus.subscribe(UserApi.GROUP_CHANGED, changed -> groups.remove(changed.groupId()));
    bus.subscribe(UserApi.USER_DELETED, deleted -> {
      users.remove(deleted.id());
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
    return bus.request(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(groupId))
        .map(reply -> {
          Group g = new Group(new HashSet<>(reply.members()), reply.ownerId(), reply.historyVisible(),
              new HashMap<>(reply.joinedAtSeq()));
          groups.put(groupId, new Entry<>(g, System.currentTimeMillis() + TTL_MS));
          return g;
        })
        .recover(err -> Failures.codeOf(err) == Failures.NOT_FOUND
            ? Future.failedFuture(new Rejection(Rejection.NO_SUCH_GROUP, "no group " + groupId))
            : Future.failedFuture(err));
  }

  /** Completes when the user exists; fails with a {@link Rejection} otherwise. Asked as {@code sender}. */
  Future<Void> userExists(Caller sender, long userId) {
    Entry<Boolean> cached = users.get(userId);
    if (cached != null && cached.expires > System.currentTimeMillis()) {
      return Future.succeededFuture();
    }
    return bus.request(UserApi.FIND, new UserApi.FindUser(sender, userId))
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
  Future<Map<String, Long>> groupConversations(Caller user) {
    return bus.request(UserApi.MY_GROUPS, new UserApi.MyGroups(user))
        .map(reply -> {
          Map<String, Long> out = new LinkedHashMap<>();
          reply.groups().forEach(g -> out.put(Conversations.group(g.id()), g.joinedAtSeq()));
          return out;
        });
  }
}
