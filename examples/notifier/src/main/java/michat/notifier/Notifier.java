package michat.notifier;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import michat.config.ConfigException;
import michat.config.MichatConfig;
import michat.web.ClusterMember;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar notifier.jar}: joins michat's cluster — the {@code MICHAT_CLUSTER_*} settings and
 * the cluster credentials ({@code MICHAT_CLUSTER_TLS_*}) of michat's own JVMs, docs/deploy.md — and
 * runs the {@link NotifierVerticle} as the service account {@code NOTIFIER_ACCOUNT} with the password
 * {@code NOTIFIER_PASSWORD}; with {@code NOTIFIER_POSITION_FILE} it resumes the stream where its last
 * run stopped. A missing setting stops it with exit code 2 and a line naming it; a
 * cluster it cannot reach or a login michat refuses, with exit code 1.
 */
public final class Notifier {
  static final String ACCOUNT = "NOTIFIER_ACCOUNT";
  static final String PASSWORD = "NOTIFIER_PASSWORD";
  /** Optional: a file that keeps the stream position across restarts. */
  static final String POSITION_FILE = "NOTIFIER_POSITION_FILE";
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private Notifier() {}

  public static void main(String[] args) {
    Vertx vertx;
    try {
      String account = required(ACCOUNT);
      String password = required(PASSWORD);
      MichatConfig cfg = MichatConfig.load(null, System.getenv());
      vertx = ClusterMember.join(cfg).await(2, TimeUnit.MINUTES);
      try {
        vertx.deployVerticle(new NotifierVerticle(account, password, System.getenv(POSITION_FILE))).await(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        vertx.close();
        throw e;
      }
    } catch (Exception e) {
      LOG.error("notifier cannot start: {}", String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
      System.exit(e instanceof ConfigException ? 2 : 1);
      return;
    }
    Vertx running = vertx;
    // Hazelcast's own hook is off (michat's cluster settings): leave the cluster cleanly on SIGTERM.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("notifier did not stop cleanly: {}", e.getMessage());
      }
    }, "notifier-shutdown"));
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new ConfigException(name + " is required: the name of the notifier's michat account (its password in "
          + PASSWORD + "); see docs/event-bus.md");
    }
    return value;
  }
}
