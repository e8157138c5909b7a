package michat.presence;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Presence in Redis. Keys (one place, for operators' tooling):
 * <ul>
 *   <li>{@code online_<userId>} — the original's key: exists while the user has a session; value = the node
 *       of the latest session; TTL {@code presence.onlineTtlHours}, refreshed by heartbeats;</li>
 *   <li>{@code michat:sessions:<userId>} — hash sessionId → nodeId, same TTL;</li>
 *   <li>{@code michat:node:<nodeId>} — liveness, TTL {@value PresenceStore#NODE_TTL_SECONDS} s;</li>
 *   <li>{@code michat:nodes} and {@code michat:node-users:<nodeId>} — what to clean when a node dies;</li>
 *   <li>{@code michat:instance:<nodeId>:<instanceId>} — which gateway instances this Redis knows: a
 *       missing one (after a Redis restart) registers its sessions again.</li>
 * </ul>
 * Multi-key updates are Lua scripts, so concurrent connects and disconnects never leave
 * {@code online_} wrong.
 */
public final class RedisPresenceStore implements PresenceStore {
  static final String ONLINE = "online_";
  static final String SESSIONS = "michat:sessions:";
  static final String NODE = "michat:node:";
  static final String NODES = "michat:nodes";
  static final String NODE_USERS = "michat:node-users:";
  static final String INSTANCE = "michat:instance:";

  private static final String CONNECT = String.join("\n",
      "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
      "redis.call('EXPIRE', KEYS[1], ARGV[3])",
      "redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])",
      "redis.call('SADD', KEYS[3], ARGV[4])",
      "return 1");
  private static final String DISCONNECT = String.join("\n",
      "redis.call('HDEL', KEYS[1], ARGV[1])",
      "if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) return 1 end",
      "return 0");
  private static final String HEARTBEAT = String.join("\n",
      "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end",
      "redis.call('EXPIRE', KEYS[1], ARGV[2])",
      "if redis.call('EXPIRE', KEYS[2], ARGV[2]) == 0 then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2]) end",
      "return 1");
  /** Drops a dead node's sessions of one user; deletes online_ when none is left. */
  private static final String DROP_NODE = String.join("\n",
      "local all = redis.call('HGETALL', KEYS[1])",
      "for i = 1, #all, 2 do if all[i + 1] == ARGV[1] then redis.call('HDEL', KEYS[1], all[i]) end end",
      "if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) return 1 end",
      "return 0");
  /**
   * Commands per pipeline. A connection keeps at most 2,048 replies outstanding (RedisOptions'
   * maxWaitingHandlers) and refuses a longer pipeline whole ("Redis waiting queue is full"): a stored
   * batch addressed to three 1,000-member groups went unpushed, and a second of heartbeats from more
   * than ~20,000 sessions on one gateway instance (one every 10 s each) went unrecorded. Longer ones go
   * out in chunks, side by side, each on a connection of its own from the pool.
   */
  static final int PIPELINE_CHUNK = 500;

  private final Redis client;
  private final RedisAPI redis;
  private final String ttlSeconds;

  public RedisPresenceStore(Vertx vertx, String connectionString, long onlineTtlSeconds) {
    // Thousands of sessions closing at once (a load balancer draining, a bench run ending) each send a
    // disconnect: a queue of 1,024 waiters overflowed; a few more connections and a deep queue absorb it.
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(connectionString)
        .setMaxPoolSize(16).setMaxPoolWaiting(65_536));
    this.redis = RedisAPI.api(client);
    this.ttlSeconds = Long.toString(onlineTtlSeconds);
  }

  @Override
  public Future<Void> connect(long userId, String nodeId, String sessionId) {
    return redis.eval(List.of(CONNECT, "3", SESSIONS + userId, ONLINE + userId, NODE_USERS + nodeId,
        sessionId, nodeId, ttlSeconds, Long.toString(userId))).mapEmpty();
  }

  @Override
  public Future<Boolean> disconnect(long userId, String nodeId, String sessionId) {
    return redis.eval(List.of(DISCONNECT, "2", SESSIONS + userId, ONLINE + userId, sessionId))
        .map(r -> r.toInteger() == 1);
  }

  /** One pipeline (a few for thousands of users): one round trip, however many users. */
  @Override
  public Future<Void> heartbeat(Collection<Long> userIds, String nodeId) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> beats = userIds.stream().map(userId -> Request.cmd(Command.EVAL).arg(HEARTBEAT).arg(2)
        .arg(SESSIONS + userId).arg(ONLINE + userId).arg(nodeId).arg(ttlSeconds)).toList();
    return pipeline(beats).mapEmpty();
  }

  @Override
  public Future<Boolean> nodeAlive(String nodeId, String instanceId) {
    String ttl = Long.toString(NODE_TTL_SECONDS);
    return redis.set(List.of(NODE + nodeId, Long.toString(System.currentTimeMillis()), "EX", ttl))
        .compose(r -> redis.sadd(List.of(NODES, nodeId)))
        .compose(r -> redis.set(List.of(INSTANCE + nodeId + ":" + instanceId, "1", "EX", ttl, "GET")))
        .map(previous -> previous != null);
  }

  @Override
  public Future<Map<String, List<Long>>> locate(Collection<Long> userIds) {
    List<Long> ids = new ArrayList<>(new HashSet<>(userIds));
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    // The nodes of every user's sessions in one pipeline (HVALS of michat:sessions:<id>; chunked for
    // thousands), then one MGET for which of those nodes are alive: two round trips for any number
    // of users.
    List<Request> lookups = ids.stream().map(id -> Request.cmd(Command.HVALS).arg(SESSIONS + id)).toList();
    return pipeline(lookups).compose(all -> {
      Map<Long, Set<String>> nodesOf = new LinkedHashMap<>();
      Set<String> nodes = new HashSet<>();
      for (int i = 0; i < ids.size(); i++) {
        Response values = all.get(i);
        Set<String> userNodes = new HashSet<>();
        if (values != null) {
          for (Response node : values) {
            userNodes.add(node.toString());
          }
        }
        nodesOf.put(ids.get(i), userNodes);
        nodes.addAll(userNodes);
      }
      return liveNodes(nodes).map(live -> {
        Map<String, List<Long>> byNode = new HashMap<>();
        nodesOf.forEach((user, userNodes) -> userNodes.stream().filter(live::contains)
            .forEach(n -> byNode.computeIfAbsent(n, k -> new ArrayList<>()).add(user)));
        return byNode;
      });
    });
  }

  /** The requests in pipelines of at most {@link #PIPELINE_CHUNK}; the replies in the order asked. */
  private Future<List<Response>> pipeline(List<Request> requests) {
    if (requests.size() <= PIPELINE_CHUNK) {
      return client.batch(requests);
    }
    List<Future<List<Response>>> chunks = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += PIPELINE_CHUNK) {
      chunks.add(client.batch(new ArrayList<>(requests.subList(from, Math.min(requests.size(), from + PIPELINE_CHUNK)))));
    }
    return Future.all(chunks).map(done -> {
      List<Response> all = new ArrayList<>(requests.size());
      chunks.forEach(chunk -> all.addAll(chunk.result()));
      return all;
    });
  }

  private Future<Set<String>> liveNodes(Set<String> nodes) {
    if (nodes.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<String> list = new ArrayList<>(nodes);
    return redis.mget(list.stream().map(n -> NODE + n).toList()).map(values -> {
      Set<String> live = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        if (values.get(i) != null) {
          live.add(list.get(i));
        }
      }
      return live;
    });
  }

  @Override
  public Future<Void> reapDeadNodes() {
    return redis.smembers(NODES).compose(members -> {
      Set<String> known = new HashSet<>();
      members.forEach(m -> known.add(m.toString()));
      return liveNodes(known).compose(live -> {
        List<Future<?>> drops = new ArrayList<>();
        for (String node : known) {
          if (!live.contains(node)) {
            drops.add(dropNode(node));
          }
        }
        return Future.all(drops).mapEmpty();
      });
    });
  }

  /** A dead node's sessions of every user it had, in pipelines: a node may have held 100,000 users. */
  private Future<Void> dropNode(String node) {
    return redis.smembers(NODE_USERS + node).compose(users -> {
      List<Request> drops = new ArrayList<>();
      users.forEach(u -> drops.add(Request.cmd(Command.EVAL).arg(DROP_NODE).arg(2)
          .arg(SESSIONS + u).arg(ONLINE + u).arg(node)));
      return drops.isEmpty() ? Future.succeededFuture() : pipeline(drops);
    }).compose(v -> redis.del(List.of(NODE_USERS + node)))
        .compose(v -> redis.srem(List.of(NODES, node)))
        .mapEmpty();
  }

  /** Whether Redis answers at all (its guard's probe). */
  Future<Response> ping() {
    return redis.ping(List.of());
  }

  @Override
  public void close() {
    client.close();
  }
}
