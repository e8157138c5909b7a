package michat.model;

/**
 * Every event-bus address michat uses. Services talk to each other only through these, with JSON
 * bodies, so any split of roles across JVMs works. Failures come back as
 * {@link io.vertx.core.eventbus.ReplyException} with an HTTP-like code, see {@link Failures}.
 */
public final class Addresses {
  private Addresses() {}

  /** How long a caller waits for a service's reply; a service may drop work queued longer than this. */
  public static final long REQUEST_TIMEOUT_MS = 10_000;
  /**
   * The same for requests that hash or verify a password (register, login, update): they wait their
   * turn in user-service's small hashing queue, so a burst of honest registrations is served slower
   * rather than refused. user-service drops a job that waited longer than this without computing it.
   */
  public static final long ACCOUNT_REQUEST_TIMEOUT_MS = 30_000;

  /** Answers when user-service and its SQL store are up (used by /ready). */
  public static final String USER_HEALTH = "michat.user.health";

  // user-service: accounts. Bodies and replies use the internal field names of UserFields.
  public static final String USER_REGISTER = "michat.user.register";
  public static final String USER_LOGIN = "michat.user.login";
  public static final String USER_LIST = "michat.user.list";
  public static final String USER_FIND = "michat.user.find";
  public static final String USER_UPDATE = "michat.user.update";
  public static final String USER_DELETE = "michat.user.delete";
  /** Ends one session (a logout): {userId, sessionId, expiresAt (epoch s)}; reply {}. */
  public static final String USER_LOGOUT = "michat.user.logout";
  /**
   * What token verifiers cache about a user's sessions: {userId}; reply {exists, generation,
   * revoked:[session ids ended before their expiry]}.
   */
  public static final String USER_SESSION_STATE = "michat.user.sessionState";
  /**
   * user-service tells every token verifier and gateway (publish) that sessions ended:
   * {userId, sessionId} for a logout, {userId, generation} when a password change ended every older
   * session, {userId, deleted: true} when the account was deleted.
   */
  public static final String SESSION_REVOKED = "michat.session.revoked";

  /**
   * user-service, only with {@code bench.seedSecret} set: bulk users, friends and groups for the load
   * generator ({@code POST /admin/bench-seed}).
   */
  public static final String USER_BENCH_SEED = "michat.user.benchSeed";

  // user-service: friends ("contacts" of type 1)
  public static final String FRIEND_LIST = "michat.contact.friends";
  public static final String FRIEND_ADD = "michat.contact.addFriend";

  // user-service: groups ("communities", membership = contacts of type 2)
  public static final String GROUP_CREATE = "michat.group.create";
  public static final String GROUP_LIST_FOR_USER = "michat.group.listForUser";
  public static final String GROUP_JOIN = "michat.group.join";
  public static final String GROUP_MEMBERS = "michat.group.members";
  /** The owner changes a group's settings: {userId, groupId, historyVisible}. */
  public static final String GROUP_UPDATE = "michat.group.update";

  /** user-service tells caches (publish) that a group's members or settings changed: {groupId}. */
  public static final String GROUP_CHANGED = "michat.group.changed";
  /** user-service tells caches (publish) that a user was deleted: {id}. */
  public static final String USER_DELETED = "michat.user.deleted";

  // message-router
  /** A chat frame from a gateway: {senderId, frame}; reply {ok:true, id, conversation, seq} or {ok:false, error, message}. */
  public static final String ROUTER_INBOUND = "michat.router.inbound";
  /**
   * v2 signals that are relayed, never stored — typing, delivered, read: {senderId, frame}; reply
   * {ok:true} or {ok:false, error, message}.
   */
  public static final String ROUTER_SIGNAL = "michat.router.signal";
  /** What a user missed while offline: {userId}; reply {messages:[{conversation, seq, frame}]}. */
  public static final String ROUTER_CATCH_UP = "michat.router.catchUp";
  /** Delivery cursors of a closed or idle session: {userId, cursors:{conversation: seq}}. */
  public static final String ROUTER_CURSORS = "michat.router.cursors";
  /**
   * Gap fill: {userId, conversation, after (absent = saved cursor), upto}; reply
   * {base, messages:[{seq, frame}]} — the messages addressed to the user in (base, upto].
   */
  public static final String ROUTER_FILL = "michat.router.fill";
  /** History page: {requesterId, conversation, start, end, rev}; reply {messages:[payload strings]}. */
  public static final String ROUTER_HISTORY = "michat.router.history";
}
