package michat.web;

import java.util.concurrent.TimeUnit;
import michat.config.ConfigException;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mi-chat.jar [-conf FILE] [--roles LIST] [-cluster]}. A wrong or unreachable
 * setting stops start-up with exit code 2 and one line naming the setting and the reason.
 */
public final class Launcher {
  private static final int EXIT_BAD_SETTING = 2;
  private static final int EXIT_FAILED = 1;
  /** Left the cluster after a pause that got it expelled (EX_TEMPFAIL): start it again. */
  static final int EXIT_PAUSED_OUT_OF_CLUSTER = 75;

  private Launcher() {}

  public static void main(String[] args) {
    Logging.routeToSlf4j();
    Logger log = LoggerFactory.getLogger(Launcher.class);
    MichatApp app;
    try {
      LaunchOptions opts = LaunchOptions.parse(args);
      if (opts.help()) {
        System.err.println(LaunchOptions.USAGE);
        return;
      }
      MichatConfig cfg = MichatConfig.load(opts.confFile(), System.getenv());
      if (opts.roles() != null) {
        cfg = cfg.with(ConfigKeys.ROLES, opts.roles(), "command line --roles");
      }
      Logging.apply(cfg);
      boolean cluster = opts.cluster() || cfg.bool(ConfigKeys.CLUSTER);
      app = MichatApp.start(cfg, cluster).await(5, TimeUnit.MINUTES);
      if (cluster) {
        StallWatch.start(ClusterSupport.PAUSE_THAT_EXPELS_MS, Launcher::leaveAfterPause);
      }
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      log.error("cannot start: {}", cause instanceof ConfigException ? cause.getMessage() : describe(cause));
      System.exit(cause instanceof ConfigException ? EXIT_BAD_SETTING : EXIT_FAILED);
      return;
    }
    MichatApp running = app;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      try {
        running.close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("shutdown did not finish cleanly: {}", describe(e));
      }
    }, "michat-shutdown"));
  }

  /**
   * The other members have expelled this JVM while it did not run (their failure detection saw it
   * silent): its registrations are gone from their event bus, so its users would send into a void.
   * It leaves — the shutdown hook closes its chat sockets (clients reconnect to another gateway and
   * resume) and leaves the cluster — and exits with 75 for its supervisor (Kubernetes, systemd with
   * {@code Restart=on-failure}) to start it again.
   */
  private static void leaveAfterPause(long pausedMs) {
    LoggerFactory.getLogger(Launcher.class).error("this JVM did not run for {} ms, longer than the cluster's failure"
        + " detection allows ({} ms): the other members have expelled it; leaving (exit code {}) to be started again",
        pausedMs, ClusterSupport.PAUSE_THAT_EXPELS_MS, EXIT_PAUSED_OUT_OF_CLUSTER);
    System.exit(EXIT_PAUSED_OUT_OF_CLUSTER);
  }

  private static String describe(Throwable t) {
    String msg = t.getMessage();
    return (msg == null ? t.getClass().getSimpleName() : msg).replaceAll("\\s+", " ");
  }
}
