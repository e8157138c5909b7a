package michat.contract;

import static michat.contract.Validated.missing;

import java.util.List;
import java.util.Map;

/**
 * user-service's contracts: accounts, sessions, friends and groups. Requests that act for a user carry
 * the {@link Caller} and act for that user only (an update or deletion names no other id); the web
 * role has already refused a caller naming someone else.
 */
public final class UserApi {
  private UserApi() {}

  /** How long account requests wait: they take their turn in user-service's small password-hashing queue. */
  public static final long ACCOUNT_TIMEOUT_MS = 30_000;

  // ---- the records ----

  /** A user as user-service stores it; password hashes never leave user-service. Times are ISO-8601 UTC. */
  public record UserInfo(long id, String name, String phone, String email, String avatar, String clientIp,
                         String clientPort, String deviceInfo, String loginTime, String heartbeatTime,
                         String loginOutTime, boolean isLogout, String createdAt, String updatedAt) {}

  /**
   * A group. {@code joinedAtSeq}: in a user's own list, the group's last sequence number when the
   * user joined (their part of its history starts after it; 0 = all); 0 elsewhere.
   */
  public record GroupInfo(long id, String name, long ownerId, String img, String desc, boolean historyVisible,
                          String createdAt, String updatedAt, long joinedAtSeq) {}

  public record Users(List<UserInfo> users) {}

  public record Groups(List<GroupInfo> groups) {}

  public record HealthCheck() {}

  public record Health(String storage) {}

  /** {@code clientIp}: what registrations are throttled by and share the hashing queue by. */
  public record Register(String name, String password, String confirm, String clientIp) implements Validated {
    @Override
    public String problem() {
      return missing("name", name, "password", password, "confirm", confirm, "clientIp", clientIp);
    }
  }

  public record Login(String name, String password, String clientIp, String clientPort, String deviceInfo)
      implements Validated {
    @Override
    public String problem() {
      return missing("name", name, "password", password, "clientIp", clientIp, "clientPort", clientPort,
          "deviceInfo", deviceInfo);
    }
  }

  public record LoggedIn(UserInfo user, String token) {}

  public record ListUsers(Caller caller) implements ActsForUser {}

  public record FindUser(Caller caller, long id) implements ActsForUser {}

  /**
   * The caller's own profile: empty fields stay as they are. A new {@code password} needs
   * {@code currentPassword}.
   */
  public record UpdateUser(Caller caller, String name, String password, String currentPassword, String phone,
                           String email, String avatar, String clientIp) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return missing("name", name, "password", password, "currentPassword", currentPassword, "phone", phone,
          "email", email, "avatar", avatar, "clientIp", clientIp);
    }
  }

  /** {@code token}: the caller's new token when the password changed (every other session ended), else null. */
  public record Updated(UserInfo user, String token) {}

  public record DeleteUser(Caller caller) implements ActsForUser {}

  /** Ends the caller's session: the one its token names. */
  public record Logout(Caller caller) implements ActsForUser {}

  public record SessionStateQuery(long userId) {}

  /** {@code revoked}: the user's sessions ended by a logout before their expiry. */
  public record SessionState(boolean exists, int generation, List<String> revoked) {}

  public record ListFriends(Caller caller) implements ActsForUser {}

  public record AddFriend(Caller caller, String targetName) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return missing("targetName", targetName);
    }
  }

  public record CreateGroup(Caller caller, String name, String img, String desc, boolean historyVisible)
      implements ActsForUser, Validated {
    @Override
    public String problem() {
      return missing("name", name, "img", img, "desc", desc);
    }
  }

  public record MyGroups(Caller caller) implements ActsForUser {}

  /** {@code group}: a group id or name; an all-digit value is tried as an id first. */
  public record JoinGroup(Caller caller, String group) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return missing("group", group);
    }
  }

  /** The owner's settings of a group; only {@code historyVisible} so far. */
  public record UpdateGroup(Caller caller, long groupId, Boolean historyVisible) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return missing("historyVisible", historyVisible);
    }
  }

  public record GroupMembersQuery(long groupId) {}

  /** Who may read what of a group. {@code joinedAtSeq}: members whose join point is not 0. */
  public record GroupMembers(long groupId, long ownerId, boolean historyVisible, List<Long> members,
                             Map<Long, Long> joinedAtSeq) {}

  /**
   * Bulk users, friends and groups for the load generator; answered only when user-service has
   * {@code bench.seedSecret} set and {@code secret} equals it.
   */
  public record BenchSeed(String secret, String prefix, int users, String password, int friends, int groups,
                          int groupSize) implements Validated {
    @Override
    public String problem() {
      return missing("secret", secret, "prefix", prefix, "password", password);
    }
  }

  public record SeededUser(long id, String token) {}

  public record SeededGroup(long id, List<Long> members) {}

  public record BenchSeeded(List<SeededUser> users, List<SeededGroup> groups, int friends) {}

  // ---- one-way messages, published by user-service ----

  /**
   * Sessions ended: {@code sessionId} for a logout, {@code generation} when a password change ended
   * every older session, {@code deleted} when the account was deleted.
   */
  public record SessionsEnded(long userId, String sessionId, Integer generation, boolean deleted) {}

  /** A group's members or settings changed: caches drop what they hold of it. */
  public record GroupChanged(long groupId) {}

  public record UserDeleted(long id) {}

  // ---- the addresses ----

  public static final Endpoint<HealthCheck, Health> HEALTH = Endpoint.of("michat.user.health",
      HealthCheck.class, Health.class, "web (/ready)", "Answers when user-service and its SQL store are up.");
  public static final Endpoint<Register, UserInfo> REGISTER = Endpoint.of("michat.user.register",
      Register.class, UserInfo.class, "web", "Creates an account (throttled per client address).")
      .withTimeout(ACCOUNT_TIMEOUT_MS);
  public static final Endpoint<Login, LoggedIn> LOGIN = Endpoint.of("michat.user.login",
      Login.class, LoggedIn.class, "web", "Checks a password (throttled per account and address); issues a session token.")
      .withTimeout(ACCOUNT_TIMEOUT_MS);
  public static final Endpoint<ListUsers, Users> LIST = Endpoint.of("michat.user.list",
      ListUsers.class, Users.class, "web", "Every user (at most 1,000); the web role shows each as the caller may see them.");
  public static final Endpoint<FindUser, UserInfo> FIND = Endpoint.of("michat.user.find",
      FindUser.class, UserInfo.class, "web, router", "One user by id; 404 when there is none.");
  public static final Endpoint<UpdateUser, Updated> UPDATE = Endpoint.of("michat.user.update",
      UpdateUser.class, Updated.class, "web", "Changes the caller's own profile or password.")
      .withTimeout(ACCOUNT_TIMEOUT_MS);
  public static final Endpoint<DeleteUser, Done> DELETE = Endpoint.of("michat.user.delete",
      DeleteUser.class, Done.class, "web", "Deletes the caller's account; every session of it ends.");
  public static final Endpoint<Logout, Done> LOGOUT = Endpoint.of("michat.user.logout",
      Logout.class, Done.class, "web", "Ends the caller's session.");
  public static final Endpoint<SessionStateQuery, SessionState> SESSION_STATE = Endpoint.of(
      "michat.user.sessionState", SessionStateQuery.class, SessionState.class, "web, gateway (revocation caches)",
      "What token verifiers cache about a user's sessions.");
  public static final Endpoint<ListFriends, Users> FRIENDS = Endpoint.of("michat.contact.friends",
      ListFriends.class, Users.class, "web", "The caller's friends.");
  public static final Endpoint<AddFriend, UserInfo> ADD_FRIEND = Endpoint.of("michat.contact.addFriend",
      AddFriend.class, UserInfo.class, "web", "Makes the caller and the named user friends (both ways).");
  public static final Endpoint<CreateGroup, GroupInfo> CREATE_GROUP = Endpoint.of("michat.group.create",
      CreateGroup.class, GroupInfo.class, "web", "Creates a group owned by the caller, its first member.");
  public static final Endpoint<MyGroups, Groups> MY_GROUPS = Endpoint.of("michat.group.listForUser",
      MyGroups.class, Groups.class, "web, router (catch-up, for the connecting user)",
      "The caller's groups, each with the caller's join point.");
  public static final Endpoint<JoinGroup, GroupInfo> JOIN_GROUP = Endpoint.of("michat.group.join",
      JoinGroup.class, GroupInfo.class, "web", "Adds the caller to a group, at the group's current sequence number.");
  public static final Endpoint<UpdateGroup, GroupInfo> UPDATE_GROUP = Endpoint.of("michat.group.update",
      UpdateGroup.class, GroupInfo.class, "web", "The owner changes a group's settings; anyone else: 403.");
  public static final Endpoint<GroupMembersQuery, GroupMembers> GROUP_MEMBERS = Endpoint.of("michat.group.members",
      GroupMembersQuery.class, GroupMembers.class, "router (cached)",
      "A group's members, owner, history setting and join points; 404 when there is no such group.");
  public static final Endpoint<BenchSeed, BenchSeeded> BENCH_SEED = Endpoint.of("michat.user.benchSeed",
      BenchSeed.class, BenchSeeded.class, "web (/admin/bench-seed), only with bench.seedSecret set",
      "Bulk users, friends and groups for the load generator.").withTimeout(15 * 60_000L);

  public static final Topic<SessionsEnded> SESSIONS_ENDED = new Topic<>("michat.session.revoked",
      SessionsEnded.class, "user-service", "Sessions ended; every token verifier and gateway updates or closes.");
  public static final Topic<GroupChanged> GROUP_CHANGED = new Topic<>("michat.group.changed",
      GroupChanged.class, "user-service", "A group's members or settings changed (the router's cache).");
  public static final Topic<UserDeleted> USER_DELETED = new Topic<>("michat.user.deleted",
      UserDeleted.class, "user-service", "A user was deleted (the router's cache).");

  static final List<Endpoint<?, ?>> ENDPOINTS = List.of(HEALTH, REGISTER, LOGIN, LIST, FIND, UPDATE, DELETE, LOGOUT,
      SESSION_STATE, FRIENDS, ADD_FRIEND, CREATE_GROUP, MY_GROUPS, JOIN_GROUP, UPDATE_GROUP, GROUP_MEMBERS, BENCH_SEED);
  static final List<Topic<?>> TOPICS = List.of(SESSIONS_ENDED, GROUP_CHANGED, USER_DELETED);
}
