package michat.presence;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import michat.dependency.DependencyGuard;

/**
 * Presence in Redis behind Redis's {@link DependencyGuard}: while Redis does not answer, every call
 * is refused at once (routers then push to every gateway node) instead of waiting on a frozen server.
 */
final class GuardedPresenceStore implements PresenceStore {
  private final RedisPresenceStore store;
  private final DependencyGuard guard;
  private final java.util.function.Supplier<Future<?>> probe;

  GuardedPresenceStore(RedisPresenceStore store, DependencyGuard guard) {
    this.store = store;
    this.guard = guard;
    this.probe = store::ping;
    guard.addProbe(probe);
  }

  @Override
  public Future<Void> connect(long userId, String nodeId, String sessionId) {
    return guard.call(() -> store.connect(userId, nodeId, sessionId));
  }

  @Override
  public Future<Boolean> disconnect(long userId, String nodeId, String sessionId) {
    return guard.call(() -> store.disconnect(userId, nodeId, sessionId));
  }

  @Override
  public Future<Void> heartbeat(Collection<Long> userIds, String nodeId) {
    return guard.call(() -> store.heartbeat(userIds, nodeId));
  }

  @Override
  public Future<Boolean> nodeAlive(String nodeId, String instanceId) {
    return guard.call(() -> store.nodeAlive(nodeId, instanceId));
  }

  @Override
  public Future<Map<String, List<Long>>> locate(Collection<Long> userIds) {
    return guard.call(() -> store.locate(userIds));
  }

  @Override
  public Future<Void> reapDeadNodes() {
    return guard.call(store::reapDeadNodes);
  }

  @Override
  public void close() {
    guard.removeProbe(probe);
    guard.release();
    store.close();
  }
}
