package michat.presence;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Who is online and on which gateway node. Two implementations with one contract: Redis (the original's
 * {@code online_<userId>} keys) and Vert.x shared data (embedded default; cluster-wide when clustered).
 * A node that stops calling {@link #nodeAlive} for {@link #NODE_TTL_SECONDS} counts as dead: its
 * sessions stop counting at once and are cleaned up by {@link #reapDeadNodes}.
 */
public interface PresenceStore {
  long NODE_TTL_SECONDS = 10;

  Future<Void> connect(long userId, String nodeId, String sessionId);

  /** Returns true when this was the user's last session (the user is now offline). */
  Future<Boolean> disconnect(long userId, String nodeId, String sessionId);

  /** Heartbeats of these users' sessions on a node (gateways send them in batches, once a second). */
  Future<Void> heartbeat(Collection<Long> userIds, String nodeId);

  /**
   * A gateway instance of a node is alive. Returns false when the store did not know the instance
   * (first call, expired, or the store lost its data — a Redis restart): the instance then registers
   * its sessions again, so presence rebuilds itself.
   */
  Future<Boolean> nodeAlive(String nodeId, String instanceId);

  /** Live node → the given users connected there. Users without a live session are left out. */
  Future<Map<String, List<Long>>> locate(Collection<Long> userIds);

  Future<Void> reapDeadNodes();

  void close();
}
