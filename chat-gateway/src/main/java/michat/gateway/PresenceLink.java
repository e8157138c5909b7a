package michat.gateway;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import michat.contract.Done;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.Connect;
import michat.contract.PresenceApi.Disconnect;
import michat.contract.PresenceApi.Heartbeat;
import michat.contract.PresenceApi.NodeAlive;
import michat.contract.PresenceApi.NodeKnown;
import michat.contract.ServiceBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What presence-service learns from this gateway instance: sessions opening and closing, heartbeats
 * (batched, once a second), and that the instance is alive — re-registering its sessions when presence
 * lost track of it (e.g. Redis restarted).
 */
final class PresenceLink {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceLink.class);

  private final ServiceBus bus;
  private final SessionRegistry sessions;
  private final String nodeId;
  private final String instanceId;
  private final Set<Long> heartbeats = new HashSet<>();

  PresenceLink(ServiceBus bus, SessionRegistry sessions, String nodeId, String instanceId) {
    this.bus = bus;
    this.sessions = sessions;
    this.nodeId = nodeId;
    this.instanceId = instanceId;
  }

  Future<Done> connected(ChatSession s) {
    return bus.request(PresenceApi.CONNECT, new Connect(s.userId, nodeId, s.id))
        .onFailure(err -> OutageLog.warnUnlessOutage(LOG, err, "user {} connected but presence not updated: {}",
            s.userId, err.getMessage()));
  }

  Future<?> left(ChatSession s) {
    return bus.request(PresenceApi.DISCONNECT, new Disconnect(s.userId, nodeId, s.id))
        .onFailure(err -> OutageLog.warnUnlessOutage(LOG, err, "presence not told that user {} left: {}",
            s.userId, err.getMessage()));
  }

  /** Told to presence with the others, once a second ({@link #flushHeartbeats}). */
  void heartbeat(long userId) {
    heartbeats.add(userId);
  }

  /** The users whose sessions sent heartbeats since the last call, in one presence request. */
  void flushHeartbeats() {
    if (heartbeats.isEmpty()) {
      return;
    }
    List<Long> users = new ArrayList<>(heartbeats);
    heartbeats.clear();
    bus.request(PresenceApi.HEARTBEAT, new Heartbeat(users, nodeId))
        .onFailure(err -> LOG.debug("{} heartbeats not recorded: {}", users.size(), err.getMessage()));
  }

  Future<NodeKnown> nodeAlive() {
    return bus.request(PresenceApi.NODE_ALIVE, new NodeAlive(nodeId, instanceId))
        .onSuccess(reply -> {
          if (!reply.known() && !sessions.isEmpty()) {
            reRegisterSessions();
          }
        })
        .onFailure(err -> LOG.debug("presence did not take node liveness: {}", err.getMessage()));
  }

  private void reRegisterSessions() {
    LOG.info("presence did not know gateway instance {} of node {}: registering its sessions again", instanceId, nodeId);
    sessions.all().forEach(s -> bus.request(PresenceApi.CONNECT, new Connect(s.userId, nodeId, s.id))
        .onFailure(err -> OutageLog.warnUnlessOutage(LOG, err, "session {} of user {} not registered again: {}",
            s.id, s.userId, err.getMessage())));
  }
}
