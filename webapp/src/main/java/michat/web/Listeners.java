package michat.web;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * Every address and port a running JVM listens on, and for what — for the start-up line, so that an
 * operator sees at once what a node exposes. Ports are the ones actually bound (a configured 0 means
 * any), the cluster's read from the running Hazelcast member or JGroups channel, and the event bus.
 */
final class Listeners {
  private Listeners() {}

  /** {@code cluster} null unless the node is clustered. */
  static String describe(ClusterManager cluster, MichatConfig cfg, Set<Role> roles, int httpPort,
                         OptionalInt managementPort) {
    List<String> out = new ArrayList<>();
    out.add(url(cfg.string(ConfigKeys.HTTP_HOST), httpPort) + " (" + String.join(", ", httpUses(cfg, roles)) + ")");
    managementPort.ifPresent(port -> out.add("management " + url(cfg.string(ConfigKeys.MANAGEMENT_HOST), port) + " ("
        + (cfg.bool(ConfigKeys.METRICS_ENABLED) ? "/metrics, " : "") + "/health, /ready)"));
    if (cluster instanceof HazelcastClusterManager hazelcast) {
      out.add(hazelcast(hazelcast.getHazelcastInstance()));
    } else if (cluster instanceof MichatInfinispanClusterManager infinispan) {
      var member = infinispan.memberAddress();
      out.add("JGroups " + member.getIpAddress().getHostAddress() + ":" + member.getPort() + " (mutual TLS)");
    }
    if (cluster != null) {
      NodeInfo node = cluster.getNodeInfo();
      out.add("event bus " + node.host() + ":" + node.port()
          + " (mutual TLS)");   // clustered mode does not start without it (ClusterTls)
    }
    return String.join(", ", out);
  }

  private static String url(String host, int port) {
    return "http://" + host + ":" + port + "/";
  }

  private static List<String> httpUses(MichatConfig cfg, Set<Role> roles) {
    List<String> uses = new ArrayList<>();
    if (roles.contains(Role.WEB)) {
      uses.add("pages, REST, upload");
    }
    if (roles.contains(Role.GATEWAY)) {
      uses.add("chat WebSocket");
    }
    uses.add("/health, /ready");
    if (cfg.bool(ConfigKeys.METRICS_ENABLED) && !ManagementVerticle.isEnabled(cfg)) {
      uses.add("/metrics for loopback clients");
    }
    return uses;
  }

  /** The member's address, and whether its server socket takes connections on every interface. */
  private static String hazelcast(HazelcastInstance hz) {
    Address member = hz.getCluster().getLocalMember().getAddress();
    boolean bindAny = new HazelcastProperties(hz.getConfig()).getBoolean(ClusterProperty.SOCKET_SERVER_BIND_ANY);
    return "Hazelcast " + member.getHost() + ":" + member.getPort() + (bindAny ? " (bound to all interfaces)" : "");
  }
}
