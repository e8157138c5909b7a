package michat.web;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import michat.config.MichatConfig;

/**
 * Starts Vert.x clustered with Hazelcast, joined over TCP on loopback: the safe default for several
 * JVMs on one host. Nothing leaves 127.0.0.0/8: multicast and cloud auto-detection are off, and so is
 * Hazelcast's phone-home. Member lists, LAN multicast and Kubernetes discovery are the cluster
 * milestone's; they will be settings here.
 */
final class ClusterSupport {
  private static final String LOOPBACK = "127.0.0.1";

  private ClusterSupport() {}

  static Future<Vertx> start(MichatConfig cfg, VertxOptions options) {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("michat");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(LOOPBACK));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(LOOPBACK));
    options.getEventBusOptions().setHost(LOOPBACK);
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
  }
}
