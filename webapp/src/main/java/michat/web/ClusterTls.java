package michat.web;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import michat.config.ConfigKey;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * The credentials of a cluster member: the event bus between JVMs runs over TLS, and both ends of
 * every connection show a certificate the cluster's trust (its CA, or the shared certificate) vouches
 * for. A JVM without them can join Hazelcast's membership (its open-source edition authenticates
 * nobody) but can neither deliver to the event bus nor receive from it: members refuse its
 * connections and will not connect to it. Clustered mode does not start without them; nothing of
 * them is in the jar or the repository (they come from files an operator mounts, see docs/deploy.md).
 *
 * <p>Key material: {@code cluster.tls.keyStore} (PKCS#12, with {@code cluster.tls.keyStorePassword})
 * or {@code cluster.tls.certFile} + {@code cluster.tls.keyFile} (PEM). Trust:
 * {@code cluster.tls.trustFile}, PEM certificates or PKCS#12 (with {@code cluster.tls.trustPassword}).
 * Certificates are checked against the trust, not against host names: members address each other by
 * IP, and holding a certificate the cluster's CA signed is what makes a member.
 */
final class ClusterTls {
  private final KeyCertOptions key;
  private final TrustOptions trust;

  private ClusterTls(KeyCertOptions key, TrustOptions trust) {
    this.key = key;
    this.trust = trust;
  }

  /** The member's credentials; a missing or unreadable one stops start-up naming the setting. */
  static ClusterTls from(MichatConfig cfg) {
    KeyCertOptions key;
    if (cfg.isSet(ConfigKeys.CLUSTER_TLS_KEY_STORE)) {
      key = new PfxOptions().setPath(readable(cfg, ConfigKeys.CLUSTER_TLS_KEY_STORE))
          .setPassword(cfg.string(ConfigKeys.CLUSTER_TLS_KEY_STORE_PASSWORD));
    } else if (cfg.isSet(ConfigKeys.CLUSTER_TLS_CERT_FILE) || cfg.isSet(ConfigKeys.CLUSTER_TLS_KEY_FILE)) {
      key = new PemKeyCertOptions().setCertPath(readable(cfg, ConfigKeys.CLUSTER_TLS_CERT_FILE))
          .setKeyPath(readable(cfg, ConfigKeys.CLUSTER_TLS_KEY_FILE));
    } else {
      throw cfg.invalid(ConfigKeys.CLUSTER_TLS_KEY_STORE, "clustered mode needs this member's credentials: "
          + ConfigKeys.CLUSTER_TLS_KEY_STORE.name() + " (PKCS#12) or " + ConfigKeys.CLUSTER_TLS_CERT_FILE.name() + " and "
          + ConfigKeys.CLUSTER_TLS_KEY_FILE.name() + " (PEM), and " + ConfigKeys.CLUSTER_TLS_TRUST_FILE.name()
          + " (see docs/deploy.md, Cluster credentials)");
    }
    if (!cfg.isSet(ConfigKeys.CLUSTER_TLS_TRUST_FILE)) {
      throw cfg.invalid(ConfigKeys.CLUSTER_TLS_TRUST_FILE,
          "clustered mode needs the cluster's trust (the CA certificate that signs members' certificates)");
    }
    String trustPath = readable(cfg, ConfigKeys.CLUSTER_TLS_TRUST_FILE);
    TrustOptions trust = isPkcs12(trustPath)
        ? new PfxOptions().setPath(trustPath).setPassword(cfg.string(ConfigKeys.CLUSTER_TLS_TRUST_PASSWORD))
        : new PemTrustOptions().addCertPath(trustPath);
    return new ClusterTls(key, trust);
  }

  /** TLS on the event bus, a certificate required from every connecting member. */
  void apply(EventBusOptions options) {
    options.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setKeyCertOptions(key).setTrustOptions(trust)
        .setTrustAll(false);
  }

  private static String readable(MichatConfig cfg, ConfigKey key) {
    String path = cfg.string(key);
    if (path.isBlank()) {
      throw cfg.invalid(key, "is required with the other cluster.tls settings given");
    }
    if (!Files.isReadable(Path.of(path))) {
      throw cfg.invalid(key, "cannot read " + path);
    }
    return path;
  }

  private static boolean isPkcs12(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".p12") || p.endsWith(".pfx");
  }
}
