package michat.web;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * Starts Vert.x clustered, with the cluster manager {@code cluster.manager} names: Hazelcast (the
 * default, configured here) or Infinispan on JGroups ({@link InfinispanSupport}). Discovery is one of
 * <ul>
 *   <li>{@code tcp} (default): the members of {@code cluster.members}, 127.0.0.1 by default — several
 *       JVMs on one host, nothing sent beyond loopback;</li>
 *   <li>{@code multicast}: on a LAN, the part the original's UDP broadcast played (only when asked for);</li>
 *   <li>{@code kubernetes}: the DNS of a headless Service, so no node list is fixed.</li>
 * </ul>
 * Hazelcast's phone-home and cloud auto-detection are always off, and it listens on
 * {@code cluster.host} only. Failure detection is tightened so that a killed JVM leaves the cluster
 * within seconds. The event bus between members runs over mutually authenticated TLS
 * ({@link ClusterTls}); Hazelcast's own member protocol (open-source edition) has no authentication:
 * what a rogue member could do there is said in docs/security.md, and Kubernetes fences it with a
 * NetworkPolicy. Under Infinispan the member protocol runs over the same mutual TLS as the event bus,
 * so a JVM without the cluster credentials cannot join at all.
 */
final class ClusterSupport {
  private ClusterSupport() {}

  /** Failure detection of both cluster managers: a heartbeat a second; a member silent this long is out. */
  static final int HEARTBEAT_INTERVAL_SECONDS = 1;
  static final int FAILURE_DETECTION_SECONDS = 8;
  /**
   * A pause of this JVM that the others have surely seen as silence long enough to expel it: the
   * failure detection less the heartbeat interval (its last heartbeat may be that old when it stops).
   */
  static final long PAUSE_THAT_EXPELS_MS = (FAILURE_DETECTION_SECONDS - HEARTBEAT_INTERVAL_SECONDS) * 1000L;

  /** A started Vert.x and, when clustered, its cluster manager (Vert.x gives it out through its internals only). */
  record Node(Vertx vertx, ClusterManager cluster) {}

  static Future<Node> start(MichatConfig cfg, VertxOptions options) {
    ClusterTls credentials = ClusterTls.from(cfg);
    ClusterManager manager = clusterManager(cfg, credentials);
    String host = cfg.string(ConfigKeys.CLUSTER_HOST);
    options.getEventBusOptions().setHost(host)
        .setPort(cfg.integer(ConfigKeys.CLUSTER_EVENT_BUS_PORT, 0, 65535));
    int publicPort = cfg.integer(ConfigKeys.CLUSTER_EVENT_BUS_PUBLIC_PORT, 0, 65535);
    if (publicPort > 0) {   // members reach this one through a NAT or a relay (the fault matrix cuts one there)
      options.getEventBusOptions().setClusterPublicHost(host).setClusterPublicPort(publicPort);
    }
    credentials.apply(options.getEventBusOptions());
    return Vertx.builder().with(options).withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory())
        .withClusterManager(manager).buildClustered()
        .map(vertx -> new Node(vertx, manager))
        .recover(err -> Future.failedFuture(cfg.invalid(ConfigKeys.CLUSTER_DISCOVERY,
            "cannot join the cluster: " + String.valueOf(err.getMessage()).replaceAll("\\s+", " "))));
  }

  private static ClusterManager clusterManager(MichatConfig cfg, ClusterTls credentials) {
    String manager = cfg.string(ConfigKeys.CLUSTER_MANAGER).toLowerCase(Locale.ROOT);
    return switch (manager) {
      case "hazelcast" -> {
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "slf4j");
        yield new HazelcastClusterManager(hazelcastConfig(cfg));
      }
      case "infinispan" -> InfinispanSupport.clusterManager(cfg, credentials.sslContext());
      default -> throw cfg.invalid(ConfigKeys.CLUSTER_MANAGER, "must be hazelcast or infinispan, got '" + manager + "'");
    };
  }

  static Config hazelcastConfig(MichatConfig cfg) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cfg.string(ConfigKeys.CLUSTER_NAME));
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    // Our shutdown hook closes Vert.x (which leaves the cluster) after the gateway said goodbye.
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(FAILURE_DETECTION_SECONDS));

    String host = cfg.string(ConfigKeys.CLUSTER_HOST);
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cfg.integer(ConfigKeys.CLUSTER_PORT, 1, 65535)).setPortAutoIncrement(true);
    if (!host.equals("0.0.0.0")) {
      net.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
      net.setPublicAddress(host);
      hz.setProperty("hazelcast.local.localAddress", host);
      // Member traffic on the cluster's own address only: by default Hazelcast listens on every interface.
      hz.setProperty("hazelcast.socket.bind.any", "false");
    }
    JoinConfig join = net.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    String discovery = cfg.string(ConfigKeys.CLUSTER_DISCOVERY).toLowerCase(Locale.ROOT);
    switch (discovery) {
      case "tcp" -> {
        join.getTcpIpConfig().setEnabled(true).setMembers(members(cfg));
        // A member given without a port is looked for on this many ports from cluster.port up.
        hz.setProperty("hazelcast.tcp.join.port.try.count", "10");
      }
      case "multicast" -> join.getMulticastConfig().setEnabled(true)
          .setMulticastGroup(cfg.string(ConfigKeys.CLUSTER_MULTICAST_GROUP));
      case "kubernetes" -> {
        if (!cfg.isSet(ConfigKeys.CLUSTER_KUBERNETES_SERVICE)) {
          throw cfg.invalid(ConfigKeys.CLUSTER_KUBERNETES_SERVICE,
              "required for kubernetes discovery: the DNS name of the headless Service");
        }
        join.getKubernetesConfig().setEnabled(true)
            .setProperty("service-dns", cfg.string(ConfigKeys.CLUSTER_KUBERNETES_SERVICE));
      }
      default -> throw cfg.invalid(ConfigKeys.CLUSTER_DISCOVERY,
          "must be tcp, multicast or kubernetes, got '" + discovery + "'");
    }
    return hz;
  }

  private static List<String> members(MichatConfig cfg) {
    List<String> members = Arrays.stream(cfg.string(ConfigKeys.CLUSTER_MEMBERS).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (members.isEmpty()) {
      throw cfg.invalid(ConfigKeys.CLUSTER_MEMBERS, "names no member; e.g. 127.0.0.1 or 10.0.0.5:5701,10.0.0.6:5701");
    }
    return members;
  }
}
