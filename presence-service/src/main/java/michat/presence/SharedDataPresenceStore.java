package michat.presence;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Presence in Vert.x shared data, for deployments without Redis: a local map in one JVM, a
 * cluster-wide map when clustered. Same contract as {@link RedisPresenceStore}: map
 * {@code michat.presence.sessions} holds userId → {sessionId: nodeId} with the online TTL, map
 * {@code michat.presence.nodes} holds live nodes with a short TTL. Updates are compare-and-set
 * loops, so concurrent sessions of one user on several nodes never lose each other.
 */
public final class SharedDataPresenceStore implements PresenceStore {
  private static final int MAX_CAS_ATTEMPTS = 50;

  private final Future<AsyncMap<String, JsonObject>> sessions;
  private final Future<AsyncMap<String, Long>> nodes;
  private final long onlineTtlMs;

  public SharedDataPresenceStore(Vertx vertx, long onlineTtlSeconds) {
    this.sessions = vertx.sharedData().getAsyncMap("michat.presence.sessions");
    this.nodes = vertx.sharedData().getAsyncMap("michat.presence.nodes");
    this.onlineTtlMs = onlineTtlSeconds * 1000;
  }

  @Override
  public Future<Void> connect(long userId, String nodeId, String sessionId) {
    return update(Long.toString(userId), s -> s.put(sessionId, nodeId)).mapEmpty();
  }

  @Override
  public Future<Boolean> disconnect(long userId, String nodeId, String sessionId) {
    return update(Long.toString(userId), s -> {
      s.remove(sessionId);
      return s;
    }).map(JsonObject::isEmpty);
  }

  @Override
  public Future<Void> heartbeat(Collection<Long> userIds, String nodeId) {
    // Re-putting the same value restarts the entry's TTL.
    return sessions.compose(map -> Future.all(userIds.stream().map(userId -> map.get(Long.toString(userId))
        .compose(current -> current == null ? Future.succeededFuture()
            : map.put(Long.toString(userId), current, onlineTtlMs))).toList())).mapEmpty();
  }

  @Override
  public Future<Boolean> nodeAlive(String nodeId, String instanceId) {
    long ttl = NODE_TTL_SECONDS * 1000;
    return nodes.compose(map -> map.put(nodeId, System.currentTimeMillis(), ttl)
        .compose(v -> map.get(nodeId + "/" + instanceId))
        .compose(previous -> map.put(nodeId + "/" + instanceId, System.currentTimeMillis(), ttl).map(previous != null)));
  }

  @Override
  public Future<Map<String, List<Long>>> locate(Collection<Long> userIds) {
    List<Long> ids = new ArrayList<>(new HashSet<>(userIds));
    return sessions.compose(map -> {
      List<Future<JsonObject>> all = ids.stream().map(id -> map.get(Long.toString(id))).toList();
      return Future.all(all).compose(done -> {
        Set<String> candidates = new HashSet<>();
        all.forEach(f -> {
          if (f.result() != null) {
            f.result().forEach(e -> candidates.add(String.valueOf(e.getValue())));
          }
        });
        return liveNodes(candidates).map(live -> {
          Map<String, List<Long>> byNode = new HashMap<>();
          for (int i = 0; i < ids.size(); i++) {
            JsonObject s = all.get(i).result();
            if (s == null) {
              continue;
            }
            long user = ids.get(i);
            s.stream().map(e -> String.valueOf(e.getValue())).distinct().filter(live::contains)
                .forEach(n -> byNode.computeIfAbsent(n, k -> new ArrayList<>()).add(user));
          }
          return byNode;
        });
      });
    });
  }

  private Future<Set<String>> liveNodes(Set<String> candidates) {
    return nodes.compose(map -> {
      List<String> list = new ArrayList<>(candidates);
      List<Future<Long>> seen = list.stream().map(map::get).toList();
      return Future.all(seen).map(done -> {
        Set<String> live = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
          if (seen.get(i).result() != null) {
            live.add(list.get(i));
          }
        }
        return live;
      });
    });
  }

  @Override
  public Future<Void> reapDeadNodes() {
    return sessions.compose(map -> map.keys().compose(users -> {
      List<Future<?>> work = new ArrayList<>();
      for (String user : users) {
        work.add(map.get(user).compose(s -> {
          if (s == null) {
            return Future.succeededFuture();
          }
          Set<String> userNodes = new HashSet<>();
          s.forEach(e -> userNodes.add(String.valueOf(e.getValue())));
          return liveNodes(userNodes).compose(live -> live.containsAll(userNodes) ? Future.succeededFuture()
              : update(user, current -> {
                  current.getMap().values().removeIf(node -> !live.contains(String.valueOf(node)));
                  return current;
                }));
        }));
      }
      return Future.all(work).mapEmpty();
    }));
  }

  /** Compare-and-set of one user's sessions; an empty result removes the entry. */
  private Future<JsonObject> update(String user, UnaryOperator<JsonObject> change) {
    return sessions.compose(map -> attempt(map, user, change, 0));
  }

  private Future<JsonObject> attempt(AsyncMap<String, JsonObject> map, String user, UnaryOperator<JsonObject> change,
                                     int tries) {
    if (tries >= MAX_CAS_ATTEMPTS) {
      return Future.failedFuture("presence of user " + user + " changed too often to update");
    }
    return map.get(user).compose(current -> {
      JsonObject next = change.apply(current == null ? new JsonObject() : current.copy());
      Future<Boolean> written;
      if (current == null) {
        written = next.isEmpty() ? Future.succeededFuture(true)
            : map.putIfAbsent(user, next, onlineTtlMs).map(previous -> previous == null);
      } else if (next.isEmpty()) {
        written = map.removeIfPresent(user, current);
      } else {
        written = map.replaceIfPresent(user, current, next, onlineTtlMs);
      }
      return written.compose(ok -> ok ? Future.succeededFuture(next) : attempt(map, user, change, tries + 1));
    });
  }

  @Override
  public void close() {
    // nothing to release: shared data lives as long as Vert.x
  }
}
