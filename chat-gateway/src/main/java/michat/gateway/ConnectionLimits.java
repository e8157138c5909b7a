package michat.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Chat connections per user and per IP address on this node, counted in a node-local map that all
 * gateway instances (event loops) of the JVM share.
 */
final class ConnectionLimits {
  private final LocalMap<String, Integer> counts;
  private final int maxPerUser;
  private final int maxPerIp;

  ConnectionLimits(Vertx vertx, int maxPerUser, int maxPerIp) {
    this.counts = vertx.sharedData().getLocalMap("michat.gateway.connections");
    this.maxPerUser = maxPerUser;
    this.maxPerIp = maxPerIp;
  }

  /** The counters a connection of this user from this address holds. */
  static String[] keys(long userId, String address) {
    return new String[] {"u:" + userId, "ip:" + address};
  }

  /** Counts a connection; returns which limit it would exceed (and then counts nothing), or null. */
  String acquire(String[] keys) {
    int user = counts.merge(keys[0], 1, Integer::sum);
    int ip = counts.merge(keys[1], 1, Integer::sum);
    if (user <= maxPerUser && (maxPerIp == 0 || ip <= maxPerIp)) {
      return null;
    }
    release(keys);
    return user > maxPerUser ? "(at most " + maxPerUser + " per user)" : "(at most " + maxPerIp + " per address)";
  }

  void release(String[] keys) {
    for (String key : keys) {
      counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
  }
}
