package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.List;
import java.util.Map;
import michat.config.ConfigException;
import michat.config.MichatConfig;
import michat.testkit.ClusterCredentials;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast configuration each discovery mode produces. Only tcp on loopback is exercised by
 * real JVMs (ClusterIT); this pins down that the default sends nothing beyond 127.0.0.0/8 and that
 * multicast and Kubernetes are used only when asked for.
 */
class ClusterSupportTest {

  private static Config config(Map<String, String> env) {
    return ClusterSupport.hazelcastConfig(MichatConfig.load(null, env));
  }

  @Test
  void theDefaultStaysOnLoopbackWithNothingPhonedHome() {
    Config hz = config(Map.of());
    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled(), "no multicast unless asked for");
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled(), "no cloud auto-detection");
    assertEquals("false", hz.getProperty("hazelcast.phone.home.enabled"));
    assertEquals(List.of("127.0.0.1"), List.copyOf(hz.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals("127.0.0.1", hz.getNetworkConfig().getPublicAddress());
    assertEquals("false", hz.getProperty("hazelcast.socket.bind.any"), "member traffic on cluster.host only");
    assertEquals("michat", hz.getClusterName());
  }

  @Test
  void clusteredModeDoesNotStartWithoutTheMembersCredentials() throws Exception {
    ConfigException none = assertThrows(ConfigException.class,
        () -> ClusterSupport.start(MichatConfig.load(null, Map.of()), new io.vertx.core.VertxOptions()));
    assertTrue(none.getMessage().startsWith("setting cluster.tls.keyStore"), none.getMessage());
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("michat-tls-");
    ClusterCredentials creds = ClusterCredentials.create(dir, "unit");
    ConfigException noTrust = assertThrows(ConfigException.class, () -> ClusterSupport.start(MichatConfig.load(null,
        Map.of("MICHAT_CLUSTER_TLS_KEY_STORE", creds.keyStore.toString())), new io.vertx.core.VertxOptions()));
    assertTrue(noTrust.getMessage().startsWith("setting cluster.tls.trustFile"), noTrust.getMessage());
    ConfigException unreadable = assertThrows(ConfigException.class, () -> ClusterSupport.start(MichatConfig.load(null,
        Map.of("MICHAT_CLUSTER_TLS_KEY_STORE", dir.resolve("missing.p12").toString(),
            "MICHAT_CLUSTER_TLS_TRUST_FILE", creds.trustStore.toString())), new io.vertx.core.VertxOptions()));
    assertTrue(unreadable.getMessage().contains("cannot read"), unreadable.getMessage());
  }

  @Test
  void multicastAndKubernetesOnlyWhenAskedFor() {
    JoinConfig lan = config(Map.of("MICHAT_CLUSTER_DISCOVERY", "multicast", "MICHAT_CLUSTER_HOST", "192.0.2.11"))
        .getNetworkConfig().getJoin();
    assertTrue(lan.getMulticastConfig().isEnabled());
    assertEquals("224.2.2.3", lan.getMulticastConfig().getMulticastGroup());
    assertFalse(lan.getTcpIpConfig().isEnabled());

    JoinConfig k8s = config(Map.of("MICHAT_CLUSTER_DISCOVERY", "kubernetes",
        "MICHAT_CLUSTER_KUBERNETES_SERVICE", "michat-cluster.michat.svc.cluster.local")).getNetworkConfig().getJoin();
    assertTrue(k8s.getKubernetesConfig().isEnabled());
    assertEquals("michat-cluster.michat.svc.cluster.local", k8s.getKubernetesConfig().getProperty("service-dns"));
    assertFalse(k8s.getMulticastConfig().isEnabled());
    assertFalse(k8s.getTcpIpConfig().isEnabled());

    JoinConfig members = config(Map.of("MICHAT_CLUSTER_MEMBERS", "10.0.0.5, 10.0.0.6:5701")).getNetworkConfig().getJoin();
    assertEquals(List.of("10.0.0.5", "10.0.0.6:5701"), members.getTcpIpConfig().getMembers());
  }

  @Test
  void wrongDiscoverySettingsSayWhich() {
    ConfigException noService = assertThrows(ConfigException.class,
        () -> config(Map.of("MICHAT_CLUSTER_DISCOVERY", "kubernetes")));
    assertTrue(noService.getMessage().startsWith("setting cluster.kubernetesService"), noService.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> config(Map.of("MICHAT_CLUSTER_DISCOVERY", "broadcast")));
    assertTrue(unknown.getMessage().contains("must be tcp, multicast or kubernetes"), unknown.getMessage());
    ConfigException empty = assertThrows(ConfigException.class, () -> config(Map.of("MICHAT_CLUSTER_MEMBERS", " , ")));
    assertTrue(empty.getMessage().startsWith("setting cluster.members"), empty.getMessage());
  }
}
