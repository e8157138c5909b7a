package michat.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Chat connections per user, and sockets per IP address (chat and pub/sub), on this node, counted in a node-local map that all
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

  /** The counters a chat connection of this user from this address holds. */
  static String[] keys(long userId, String address) {
    return new String[] {"u:" + userId, "ip:" + address};
  }

  /** The counter an unauthenticated socket ({@code /user/sendMsg}) from this address holds. */
  static String[] keys(String address) {
    return new String[] {"ip:" + address};
  }

  /** Counts a connection; returns which limit it would exceed (and then counts nothing), or null. */
  String acquire(String[] keys) {
    String exceeded = null;
    for (String key : keys) {
      boolean perUser = key.startsWith("u:");
      int max = perUser ? maxPerUser : maxPerIp;
      if (counts.merge(key, 1, Integer::sum) > max && max > 0 && exceeded == null) {
        exceeded = perUser ? "(at most " + maxPerUser + " per user)" : "(at most " + maxPerIp + " per address)";
      }
    }
    if (exceeded != null) {
      release(keys);
    }
    return exceeded;
  }

  void release(String[] keys) {
    for (String key : keys) {
      counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
  }
}
