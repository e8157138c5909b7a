package michat.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
 *
 * <p>The files are read once, at start-up: the same bytes serve the event bus and, with the
 * Infinispan cluster manager, the TLS of JGroups' member connections ({@link #sslContext()}).
 */
final class ClusterTls {
  private final KeyCertOptions key;
  private final TrustOptions trust;
  private final KeyStore trustStore;

  private ClusterTls(KeyCertOptions key, TrustOptions trust, KeyStore trustStore) {
    this.key = key;
    this.trust = trust;
    this.trustStore = trustStore;
  }

  /** The member's credentials; a missing or unreadable one stops start-up naming the setting. */
  static ClusterTls from(MichatConfig cfg) {
    KeyCertOptions key;
    if (cfg.isSet(ConfigKeys.CLUSTER_TLS_KEY_STORE)) {
      key = new PfxOptions().setValue(readable(cfg, ConfigKeys.CLUSTER_TLS_KEY_STORE))
          .setPassword(cfg.string(ConfigKeys.CLUSTER_TLS_KEY_STORE_PASSWORD));
    } else if (cfg.isSet(ConfigKeys.CLUSTER_TLS_CERT_FILE) || cfg.isSet(ConfigKeys.CLUSTER_TLS_KEY_FILE)) {
      key = new PemKeyCertOptions().addCertValue(readable(cfg, ConfigKeys.CLUSTER_TLS_CERT_FILE))
          .addKeyValue(readable(cfg, ConfigKeys.CLUSTER_TLS_KEY_FILE));
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
    Buffer trustFile = readable(cfg, ConfigKeys.CLUSTER_TLS_TRUST_FILE);
    boolean pkcs12 = isPkcs12(cfg.string(ConfigKeys.CLUSTER_TLS_TRUST_FILE));
    String trustPassword = cfg.string(ConfigKeys.CLUSTER_TLS_TRUST_PASSWORD);
    TrustOptions trust = pkcs12
        ? new PfxOptions().setValue(trustFile).setPassword(trustPassword)
        : new PemTrustOptions().addCertValue(trustFile);
    return new ClusterTls(key, trust, trustStore(cfg, trustFile, pkcs12, trustPassword));
  }

  /** TLS on the event bus, a certificate required from every connecting member. */
  void apply(EventBusOptions options) {
    options.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setKeyCertOptions(key).setTrustOptions(trust)
        .setTrustAll(false);
  }

  /**
   * A JDK TLS context holding the same key and trust, for transports that are not Vert.x's (JGroups).
   * The options hold the files' bytes, so Vert.x needs no instance to load them.
   */
  SSLContext sslContext() {
    try {
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      // The key options hold values, not paths: loading them reads no file through Vert.x, needs no instance.
      context.init(key.getKeyManagerFactory(null).getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cluster credentials unusable for TLS: " + e.getMessage(), e);
    }
  }

  /** The trust as a JDK key store: PKCS#12 as it is, PEM certificates put in an empty one. */
  private static KeyStore trustStore(MichatConfig cfg, Buffer file, boolean pkcs12, String password) {
    try {
      if (pkcs12) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(file.getBytes()), password.toCharArray());
        return store;
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(file.getBytes()))) {
        store.setCertificateEntry("ca-" + n++, cert);
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw cfg.invalid(ConfigKeys.CLUSTER_TLS_TRUST_FILE, "unreadable: " + e.getMessage());
    }
  }

  private static Buffer readable(MichatConfig cfg, ConfigKey key) {
    String path = cfg.string(key);
    if (path.isBlank()) {
      throw cfg.invalid(key, "is required with the other cluster.tls settings given");
    }
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(path)));
    } catch (IOException | SecurityException e) {
      throw cfg.invalid(key, "cannot read " + path);
    }
  }

  private static boolean isPkcs12(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".p12") || p.endsWith(".pfx");
  }
}
