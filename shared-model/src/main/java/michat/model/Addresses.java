package michat.model;

/**
 * Every event-bus address michat uses. Services talk to each other only through these, with JSON
 * bodies, so any split of roles across JVMs works. Failures come back as
 * {@link io.vertx.core.eventbus.ReplyException} with an HTTP-like code, see {@link Failures}.
 */
public final class Addresses {
  private Addresses() {}

  /** Answers when user-service and its SQL store are up (used by /ready). */
  public static final String USER_HEALTH = "michat.user.health";

  // user-service: accounts. Bodies and replies use the internal field names of UserFields.
  public static final String USER_REGISTER = "michat.user.register";
  public static final String USER_LOGIN = "michat.user.login";
  public static final String USER_LIST = "michat.user.list";
  public static final String USER_FIND = "michat.user.find";
  public static final String USER_UPDATE = "michat.user.update";
  public static final String USER_DELETE = "michat.user.delete";

  // user-service: friends ("contacts" of type 1)
  public static final String FRIEND_LIST = "michat.contact.friends";
  public static final String FRIEND_ADD = "michat.contact.addFriend";

  // user-service: groups ("communities", membership = contacts of type 2)
  public static final String GROUP_CREATE = "michat.group.create";
  public static final String GROUP_LIST_FOR_USER = "michat.group.listForUser";
  public static final String GROUP_JOIN = "michat.group.join";
  public static final String GROUP_MEMBERS = "michat.group.members";

  /** The address a gateway node consumes to push messages to its local sessions. */
  public static String gatewayDeliver(String nodeId) {
    return "gateway." + nodeId + ".deliver";
  }
}
