package michat.web;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cluster credentials for tests, made with the JDK's keytool: a member key store (a self-signed EC
 * certificate shared by the members — the simplest trust: the certificate is its own CA) and a trust
 * store holding that certificate. A second call makes credentials no member trusts (a rogue's).
 */
public final class ClusterCredentials {
  static final String PASSWORD = "cluster-test-store";
  final Path keyStore;
  final Path trustStore;

  private ClusterCredentials(Path keyStore, Path trustStore) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
  }

  public static ClusterCredentials create(Path dir, String name) throws IOException, InterruptedException {
    Path keyStore = dir.resolve(name + "-member.p12");
    Path cert = dir.resolve(name + "-member.crt");
    Path trust = dir.resolve(name + "-trust.p12");
    for (Path p : List.of(keyStore, cert, trust)) {
      java.nio.file.Files.deleteIfExists(p);
    }
    keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "30", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "member", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "cluster-ca", "-file", cert.toString(), "-keystore", trust.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    return new ClusterCredentials(keyStore, trust);
  }

  /**
   * The same credentials as PEM files (certificate, PKCS#8 key, and the certificate again as the
   * trust), the form docs/deploy.md has operators make with openssl.
   */
  Map<String, String> pemEnv() throws Exception {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    Path dir = keyStore.getParent();
    String name = keyStore.getFileName().toString().replace(".p12", "");
    Path cert = dir.resolve(name + ".pem.crt");
    Path key = dir.resolve(name + ".pem.key");
    java.nio.file.Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("member").getEncoded()));
    java.nio.file.Files.writeString(key, pem("PRIVATE KEY", store.getKey("member", PASSWORD.toCharArray()).getEncoded()));
    return Map.of("MICHAT_CLUSTER_TLS_CERT_FILE", cert.toString(), "MICHAT_CLUSTER_TLS_KEY_FILE", key.toString(),
        "MICHAT_CLUSTER_TLS_TRUST_FILE", cert.toString());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The environment that hands these credentials to a michat JVM. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("MICHAT_CLUSTER_TLS_KEY_STORE", keyStore.toString());
    env.put("MICHAT_CLUSTER_TLS_KEY_STORE_PASSWORD", PASSWORD);
    env.put("MICHAT_CLUSTER_TLS_TRUST_FILE", trustStore.toString());
    env.put("MICHAT_CLUSTER_TLS_TRUST_PASSWORD", PASSWORD);
    return env;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
