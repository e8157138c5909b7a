package michat.contract;

import static michat.contract.Validated.missing;

import java.util.List;
import java.util.Map;

/**
 * presence-service's contracts: which gateway node holds which user's sessions, and which nodes are
 * alive. Called by gateways (sessions, heartbeats, liveness), routers (where to push) and the web
 * role (online flags); no request acts for a user, so none carries a {@link Caller}.
 */
public final class PresenceApi {
  private PresenceApi() {}

  /** How long the web role waits for online flags before showing everyone offline. */
  public static final long ONLINE_TIMEOUT_MS = 3_000;

  // ---- the records ----

  /** A session opened on a gateway node. */
  public record Connect(long userId, String nodeId, String sessionId) implements Validated {
    @Override
    public String problem() {
      return missing("nodeId", nodeId, "sessionId", sessionId);
    }
  }

  /** A session closed. */
  public record Disconnect(long userId, String nodeId, String sessionId) implements Validated {
    @Override
    public String problem() {
      return missing("nodeId", nodeId, "sessionId", sessionId);
    }
  }

  /** {@code offline}: it was the user's last session. */
  public record Disconnected(boolean offline) {}

  /** The users whose sessions on the node sent heartbeats in the last second: their online TTL is renewed. */
  public record Heartbeat(List<Long> userIds, String nodeId) implements Validated {
    @Override
    public String problem() {
      return missing("userIds", userIds, "nodeId", nodeId);
    }
  }

  /** A gateway instance (one per event loop) of a node is alive; sent every few seconds. */
  public record NodeAlive(String nodeId, String instanceId) implements Validated {
    @Override
    public String problem() {
      return missing("nodeId", nodeId, "instanceId", instanceId);
    }
  }

  /**
   * {@code known} false: presence did not know the instance (its first call, or the store lost its
   * data, e.g. Redis restarted), so the instance registers its sessions again.
   */
  public record NodeKnown(boolean known) {}

  public record Locate(List<Long> userIds) implements Validated {
    @Override
    public String problem() {
      return missing("userIds", userIds);
    }
  }

  /** Live node → the asked-for users with a session there; users with no live session are left out. */
  public record Locations(Map<String, List<Long>> nodes) {}

  public record OnlineQuery(List<Long> userIds) implements Validated {
    @Override
    public String problem() {
      return missing("userIds", userIds);
    }
  }

  /** The asked-for users with a live session, in ascending order. */
  public record Online(List<Long> userIds) {}

  /** A payload of the ginchat pub/sub demo channel, as published (any text). */
  public record ChannelPost(String payload) {}

  // ---- the addresses ----

  public static final Endpoint<Connect, Done> CONNECT = Endpoint.of("michat.presence.connect",
      Connect.class, Done.class, "gateway", "Registers a session on a node (also again after NodeKnown(false)).");
  public static final Endpoint<Disconnect, Disconnected> DISCONNECT = Endpoint.of("michat.presence.disconnect",
      Disconnect.class, Disconnected.class, "gateway", "Forgets a session; says whether the user went offline.");
  public static final Endpoint<Heartbeat, Done> HEARTBEAT = Endpoint.of("michat.presence.heartbeat",
      Heartbeat.class, Done.class, "gateway (batched, once a second)", "Renews the online TTL of users on a node.");
  public static final Endpoint<NodeAlive, NodeKnown> NODE_ALIVE = Endpoint.of("michat.presence.nodeAlive",
      NodeAlive.class, NodeKnown.class, "gateway (every 3 s per instance)",
      "Keeps a node alive (its sessions stop counting 10 s after its last call).");
  public static final Endpoint<Locate, Locations> LOCATE = Endpoint.of("michat.presence.locate",
      Locate.class, Locations.class, "router (pushes and signals)", "The live nodes holding sessions of these users.");
  public static final Endpoint<OnlineQuery, Online> ONLINE = Endpoint.of("michat.presence.online",
      OnlineQuery.class, Online.class, "web (online flags of friends)", "Which of these users are online.")
      .withTimeout(ONLINE_TIMEOUT_MS);

  /**
   * Published node-locally ({@link ServiceBus#publishLocally}) by each node's Redis bridge from the
   * Redis channel {@code websocket}; without Redis, anyone in the JVM may publish here.
   */
  public static final Topic<ChannelPost> CHANNEL = new Topic<>("michat.pubsub.websocket", ChannelPost.class,
      "presence (Redis bridge, node-local); tests", "The ginchat pub/sub demo channel: every /user/sendMsg socket gets it.");

  static final List<Endpoint<?, ?>> ENDPOINTS = List.of(CONNECT, DISCONNECT, HEARTBEAT, NODE_ALIVE, LOCATE, ONLINE);
  static final List<Topic<?>> TOPICS = List.of(CHANNEL);
}
