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
  // user-service: michat.contract.UserApi; message-router: michat.contract.RouterApi.

  // presence-service
  /** A session opened: {userId, nodeId, sessionId}. */
  public static final String PRESENCE_CONNECT = "michat.presence.connect";
  /** A session closed: {userId, nodeId, sessionId}; reply {offline: true when it was the last}. */
  public static final String PRESENCE_DISCONNECT = "michat.presence.disconnect";
  /** A heartbeat refreshes the online TTL: {userId, nodeId}. */
  public static final String PRESENCE_HEARTBEAT = "michat.presence.heartbeat";
  /**
   * A gateway instance is alive (every few seconds): {nodeId, instanceId}; reply {known}: false when
   * presence did not know it (e.g. Redis restarted) and it must register its sessions again.
   */
  public static final String PRESENCE_NODE_ALIVE = "michat.presence.nodeAlive";
  /** Where users are connected: {userIds}; reply {nodes:{nodeId:[userIds]}} for live nodes only. */
  public static final String PRESENCE_LOCATE = "michat.presence.locate";
  /** Which of these users are online: {userIds}; reply {online:[userIds]}. */
  public static final String PRESENCE_ONLINE = "michat.presence.online";

  /**
   * The seed's pub/sub demo channel ({@code /user/sendMsg}): a string payload published here reaches
   * every such socket. With Redis, each gateway node's bridge feeds it (node-local) from the Redis
   * channel {@code websocket}.
   */
  public static final String PUBSUB_WEBSOCKET = "michat.pubsub.websocket";

  /**
   * The address a gateway node consumes (published to: every instance on the node gets it):
   * {to:[userIds], conversation, seq, prev, frame} for a message; the same with {self: sessionId} for
   * the sender's other (v2) sessions; {to, signal: frame} for a v2 signal.
   */
  public static String gatewayDeliver(String nodeId) {
    return "gateway." + nodeId + ".deliver";
  }
}
