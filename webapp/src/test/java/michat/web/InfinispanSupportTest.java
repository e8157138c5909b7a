package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.security.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import michat.config.ConfigException;
import michat.config.MichatConfig;
import michat.testkit.ClusterCredentials;
import org.jgroups.JChannel;
import org.jgroups.PhysicalAddress;
import org.jgroups.protocols.MPING;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.stack.IpAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JGroups stack under {@code cluster.manager=infinispan}: what each discovery mode produces (the
 * default sends nothing beyond 127.0.0.0/8, multicast and DNS only when asked for), and — with real
 * channels on loopback — that the cluster credentials are what admits a member: two channels holding
 * them form one cluster, a channel with credentials of its own (that accepts any member's) stays alone.
 */
class InfinispanSupportTest {
  private static ClusterCredentials cluster;
  private static ClusterCredentials rogue;

  @BeforeAll
  static void credentials() throws Exception {
    Path dir = Files.createTempDirectory("michat-jgroups-");
    cluster = ClusterCredentials.create(dir, "cluster");
    rogue = ClusterCredentials.create(dir, "rogue");
  }

  private static MichatConfig config(Map<String, String> env) {
    return MichatConfig.load(null, env);
  }

  private static SSLContext tls(ClusterCredentials creds) {
    Map<String, String> env = new HashMap<>(creds.env());
    return ClusterTls.from(config(env)).sslContext();
  }

  /** The stranger's own key, and any member's certificate accepted: only the members' check can stop it. */
  private static SSLContext trustingAnyone(ClusterCredentials creds) throws Exception {
    KeyStore own = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(creds.keyStore)) {
      own.load(in, ClusterCredentials.PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(own, ClusterCredentials.PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    return context;
  }

  private static JChannel channel(Map<String, String> env) {
    return InfinispanSupport.channel(config(env), tls(cluster));
  }

  @Test
  void theDefaultStaysOnLoopback() throws Exception {
    try (JChannel ch = channel(Map.of())) {
      TCP tcp = (TCP) ch.getProtocolStack().getTransport();
      assertEquals(InetAddress.getByName("127.0.0.1"), tcp.getBindAddr());
      assertEquals(5701, tcp.getBindPort());
      TCPPING ping = ch.getProtocolStack().findProtocol(TCPPING.class);
      assertEquals(List.<PhysicalAddress>of(new IpAddress("127.0.0.1", 5701)), List.copyOf(ping.getInitialHosts()));
      assertEquals(InfinispanSupport.PORT_RANGE, ping.getPortRange());
      assertNull(ch.getProtocolStack().findProtocol(MPING.class), "no multicast unless asked for");
      assertNull(ch.getProtocolStack().findProtocol(DNS_PING.class));
      assertFalse(tcp.getDiagnosticsHandler() != null && tcp.getDiagnosticsHandler().isEnabled(), "no diagnostics socket");
    }
  }

  @Test
  void membersMulticastAndKubernetesAsConfigured() throws Exception {
    try (JChannel ch = channel(Map.of("MICHAT_CLUSTER_MEMBERS", "10.0.0.5, 10.0.0.6:5801"))) {
      assertEquals(List.<PhysicalAddress>of(new IpAddress("10.0.0.5", 5701), new IpAddress("10.0.0.6", 5801)),
          List.copyOf(ch.getProtocolStack().<TCPPING>findProtocol(TCPPING.class).getInitialHosts()));
    }
    try (JChannel ch = channel(Map.of("MICHAT_CLUSTER_DISCOVERY", "multicast", "MICHAT_CLUSTER_HOST", "192.0.2.11"))) {
      MPING mping = ch.getProtocolStack().findProtocol(MPING.class);
      assertEquals(InetAddress.getByName("224.2.2.3"), mping.getMcastAddr());
      assertEquals(InetAddress.getByName("192.0.2.11"), mping.getBindAddr());
      assertNull(ch.getProtocolStack().findProtocol(TCPPING.class));
    }
    try (JChannel ch = channel(Map.of("MICHAT_CLUSTER_DISCOVERY", "kubernetes",
        "MICHAT_CLUSTER_KUBERNETES_SERVICE", "michat-cluster.michat.svc.cluster.local"))) {
      assertTrue(ch.getProtocolStack().findProtocol(DNS_PING.class) != null);
      assertNull(ch.getProtocolStack().findProtocol(TCPPING.class));
      assertNull(ch.getProtocolStack().findProtocol(MPING.class));
    }
  }

  @Test
  void wrongSettingsSayWhich() {
    ConfigException anyAddress = assertThrows(ConfigException.class,
        () -> channel(Map.of("MICHAT_CLUSTER_HOST", "0.0.0.0")));
    assertTrue(anyAddress.getMessage().startsWith("setting cluster.host"), anyAddress.getMessage());
    ConfigException noService = assertThrows(ConfigException.class,
        () -> channel(Map.of("MICHAT_CLUSTER_DISCOVERY", "kubernetes")));
    assertTrue(noService.getMessage().startsWith("setting cluster.kubernetesService"), noService.getMessage());
    ConfigException badMember = assertThrows(ConfigException.class,
        () -> channel(Map.of("MICHAT_CLUSTER_MEMBERS", "127.0.0.1:port")));
    assertTrue(badMember.getMessage().startsWith("setting cluster.members"), badMember.getMessage());
    ConfigException manager = assertThrows(ConfigException.class, () -> ClusterSupport.start(
        config(withCredentials(Map.of("MICHAT_CLUSTER_MANAGER", "zookeeper"))), new io.vertx.core.VertxOptions()));
    assertTrue(manager.getMessage().startsWith("setting cluster.manager"), manager.getMessage());
  }

  /**
   * Members with the cluster's credentials — as PKCS#12 or as PEM files — see each other; one with
   * its own is refused by both.
   */
  @Test
  void onlyChannelsHoldingTheClusterCredentialsJoin() throws Exception {
    int port = TestServer.freePort();
    Map<String, String> env = Map.of("MICHAT_CLUSTER_PORT", Integer.toString(port),
        "MICHAT_CLUSTER_MEMBERS", "127.0.0.1:" + port);
    String name = "jgroups-test-" + ProcessHandle.current().pid();
    Map<String, String> pem = new HashMap<>(env);
    pem.putAll(cluster.pemEnv());
    // one member holds the credentials as PKCS#12, the other as the same key and certificate in PEM
    try (JChannel first = channel(env); JChannel second = InfinispanSupport.channel(config(pem), ClusterTls.from(config(pem)).sslContext());
         JChannel stranger = InfinispanSupport.channel(config(env), trustingAnyone(rogue))) {
      first.connect(name);
      second.connect(name);
      awaitMembers(first, 2);
      stranger.connect(name);
      Thread.sleep(3_000);   // discovery and a join attempt would have been made by now
      assertEquals(1, stranger.getView().size(), "the stranger is alone: " + stranger.getView());
      assertEquals(2, first.getView().size(), "the members did not let it in: " + first.getView());
      assertEquals(2, second.getView().size());
    }
  }

  private static Map<String, String> withCredentials(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(cluster.env());
    all.putAll(env);
    return all;
  }

  private static void awaitMembers(JChannel ch, int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (ch.getView().size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(n, ch.getView().size(), ch.getView().toString());
  }
}
