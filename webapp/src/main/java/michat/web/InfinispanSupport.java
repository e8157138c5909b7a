package michat.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import org.jgroups.JChannel;
import org.jgroups.protocols.BARRIER;
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.MPING;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;

/**
 * The JGroups stack under the Infinispan cluster manager ({@code cluster.manager=infinispan}). Every
 * member connection — discovery, membership, the caches behind Vert.x's shared data and event-bus
 * subscriptions — is one TCP connection on {@code cluster.host} that runs TLS with a certificate
 * required at both ends, from the same cluster credentials as the event bus ({@link ClusterTls}). A
 * JVM without them cannot even complete a handshake, so it can neither join nor read anything.
 *
 * <p>Discovery as with Hazelcast: {@code tcp} = TCPPING of {@code cluster.members} (a member without a
 * port is looked for on {@code cluster.port} and the ports above it), {@code kubernetes} = DNS_PING
 * of the headless Service, {@code multicast} = MPING, only when asked for (its UDP announcements carry
 * no data; joining still takes the TLS connection). JGroups' diagnostics listener stays off.
 * Failure detection matches Hazelcast's: a heartbeat a second, a member silent for 8 s is out.
 */
final class InfinispanSupport {
  /** Ports tried above cluster.port when it is busy, and probed on a member named without one. */
  static final int PORT_RANGE = 10;

  private InfinispanSupport() {}

  static MichatInfinispanClusterManager clusterManager(MichatConfig cfg, SSLContext tls) {
    return new MichatInfinispanClusterManager(channel(cfg, tls), cfg.string(ConfigKeys.CLUSTER_NAME));
  }

  /** The protocol stack, not yet connected; its transport speaks TLS with {@code tls}. */
  static JChannel channel(MichatConfig cfg, SSLContext tls) {
    InetAddress host = host(cfg);
    Discovery discovery = discovery(cfg, host);
    TCP transport = new TCP().setBindAddr(host).setBindPort(cfg.integer(ConfigKeys.CLUSTER_PORT, 1, 65535))
        .setPortRange(PORT_RANGE);
    transport.disableDiagnostics();
    // A client certificate required on every accepted connection; the peer's checked on every outgoing one.
    transport.setSocketFactory(new TLS().setClientAuth(TLSClientAuth.NEED).createSocketFactory(tls));
    try {
      return new JChannel(transport, discovery,
          new MERGE3().setMinInterval(5_000).setMaxInterval(15_000),
          new FD_ALL3().setInterval(ClusterSupport.HEARTBEAT_INTERVAL_SECONDS * 1_000L)
              .setTimeout(ClusterSupport.FAILURE_DETECTION_SECONDS * 1_000L),
          new VERIFY_SUSPECT2().setTimeout(1_000),
          new BARRIER(),
          new NAKACK2().useMcastXmit(false),
          new UNICAST3(),
          new STABLE(),
          new GMS().setJoinTimeout(2_000).printLocalAddress(false),   // nothing on stdout: the start-up line says it
          new UFC(), new MFC(), new FRAG4());
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the JGroups stack: " + e.getMessage(), e);
    }
  }

  private static Discovery discovery(MichatConfig cfg, InetAddress host) {
    String discovery = cfg.string(ConfigKeys.CLUSTER_DISCOVERY).toLowerCase(Locale.ROOT);
    return switch (discovery) {
      case "tcp" -> new TCPPING().initialHosts(members(cfg)).portRange(PORT_RANGE);
      case "multicast" -> new MPING().setBindAddr(host).setMcastAddr(address(cfg, ConfigKeys.CLUSTER_MULTICAST_GROUP));
      case "kubernetes" -> {
        if (!cfg.isSet(ConfigKeys.CLUSTER_KUBERNETES_SERVICE)) {
          throw cfg.invalid(ConfigKeys.CLUSTER_KUBERNETES_SERVICE,
              "required for kubernetes discovery: the DNS name of the headless Service");
        }
        yield new DNS_PING().setDNSQuery(cfg.string(ConfigKeys.CLUSTER_KUBERNETES_SERVICE));
      }
      default -> throw cfg.invalid(ConfigKeys.CLUSTER_DISCOVERY,
          "must be tcp, multicast or kubernetes, got '" + discovery + "'");
    };
  }

  /** JGroups announces the address it binds to, so it must be one the other members reach. */
  private static InetAddress host(MichatConfig cfg) {
    InetAddress host = address(cfg, ConfigKeys.CLUSTER_HOST);
    if (host.isAnyLocalAddress()) {
      throw cfg.invalid(ConfigKeys.CLUSTER_HOST,
          "the infinispan cluster manager needs the address other members reach this one at, not " + host.getHostAddress());
    }
    return host;
  }

  private static InetAddress address(MichatConfig cfg, michat.config.ConfigKey key) {
    try {
      return InetAddress.getByName(cfg.string(key));
    } catch (UnknownHostException e) {
      throw cfg.invalid(key, "unknown host " + cfg.string(key));
    }
  }

  private static List<InetSocketAddress> members(MichatConfig cfg) {
    int port = cfg.integer(ConfigKeys.CLUSTER_PORT, 1, 65535);
    List<InetSocketAddress> members = Arrays.stream(cfg.string(ConfigKeys.CLUSTER_MEMBERS).split(","))
        .map(String::trim).filter(s -> !s.isEmpty())
        .map(m -> member(cfg, m, port)).toList();
    if (members.isEmpty()) {
      throw cfg.invalid(ConfigKeys.CLUSTER_MEMBERS, "names no member; e.g. 127.0.0.1 or 10.0.0.5:5701,10.0.0.6:5701");
    }
    return members;
  }

  private static InetSocketAddress member(MichatConfig cfg, String member, int defaultPort) {
    int colon = member.lastIndexOf(':');
    String host = colon < 0 ? member : member.substring(0, colon);
    try {
      int port = colon < 0 ? defaultPort : Integer.parseInt(member.substring(colon + 1));
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (NumberFormatException | UnknownHostException e) {
      throw cfg.invalid(ConfigKeys.CLUSTER_MEMBERS, "cannot use member '" + member + "': " + e.getMessage());
    }
  }
}
