package michat.web;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import michat.metrics.MichatMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import michat.presence.PresenceVerticle;
import michat.gateway.WebSocketChannelBridge;
import michat.router.MessageRouterVerticle;
import michat.user.UserVerticle;
import java.util.stream.Collectors;
import michat.auth.TokenSecret;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.MySqlSettings;
import michat.config.RedisSettings;
import michat.storage.Database;
import michat.storage.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running michat: a Vert.x instance with the verticles of the chosen roles. Used by the
 * {@link Launcher} and by tests, which start the real server in-process.
 */
public final class MichatApp {
  private static final Logger LOG = LoggerFactory.getLogger(MichatApp.class);
  /** HTTP verticle instances: one per core, each with its own event loop and sessions. */
  static final int HTTP_INSTANCES = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final Vertx vertx;
  private final MichatConfig cfg;
  private final Deployed deployed;

  /** What {@link #deploy} started: the HTTP deployment (stopped first on close) and the ports bound. */
  private record Deployed(List<String> front, int httpPort, OptionalInt managementPort) {}

  private MichatApp(Vertx vertx, MichatConfig cfg, Deployed deployed) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.deployed = deployed;
  }

  /**
   * Resolves the token secret, migrates the schema when a role needs SQL (blocking, on the calling
   * thread), then starts Vert.x and deploys the roles. Setting errors surface as
   * {@link michat.config.ConfigException}, synchronously or as the failure of the returned future.
   */
  public static Future<MichatApp> start(MichatConfig config, boolean cluster) {
    secureDataDir(config, false);
    MichatConfig cfg = withHttpHost(withNodeId(TokenSecret.resolve(config)), cluster);
    Set<Role> roles = Role.parse(cfg);
    cfg.integer(ConfigKeys.HTTP_PORT, 0, 65535);
    ManagementVerticle.check(cfg);
    Database db = new Database(cfg);
    RedisSettings.from(cfg);
    if (roles.stream().anyMatch(Role::needsStorage)) {
      db.migrate();
    }
    secureDataDir(cfg, true);
    VertxOptions options = vertxOptions(cfg);
    BenchSeedRoute.check(cfg);
    Future<ClusterSupport.Node> node = cluster
        ? ClusterSupport.start(cfg, options)
        : Future.succeededFuture(new ClusterSupport.Node(
            Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory()).build(), null));
    return node.compose(n -> {
      Vertx v = n.vertx();
      return RedisCheck.reachable(v, cfg)
          .compose(ok -> deploy(v, cfg, roles))
          .map(deployed -> new MichatApp(v, cfg, deployed))
          .onSuccess(app -> LOG.info("michat started: node {}, roles {}{}; listening on {}; storage {}; presence {}",
              cfg.string(ConfigKeys.NODE_ID), roles.stream().map(Role::label).collect(Collectors.joining(",")),
              cluster ? " (clustered)" : "",
              Listeners.describe(n.cluster(), cfg, roles, app.deployed.httpPort(), app.deployed.managementPort()),
              db.describe(),
              RedisSettings.from(cfg).map(RedisSettings::describe).orElse("in-JVM shared data")))
          .recover(err -> closeAfterFailure(v, err));
    });
  }

  /**
   * With {@code metrics.enabled}: Vert.x's own meters (event bus, HTTP server and clients, pools,
   * JVM) and michat's ({@link MichatMetrics}) in one Prometheus registry named after the node, which
   * {@code GET /metrics} renders.
   */
  static VertxOptions vertxOptions(MichatConfig cfg) {
    VertxOptions options = new VertxOptions();
    if (cfg.bool(ConfigKeys.METRICS_ENABLED)) {
      options.setMetricsOptions(new MicrometerMetricsOptions()
          .setEnabled(true)
          .setRegistryName(MichatMetrics.registryName(cfg))
          .setJvmMetricsEnabled(true)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }
    return options;
  }

  /**
   * Before anything is written to it: the data directory created private (on the embedded default,
   * which keeps the database and token secret there) and an existing one made private. After the
   * migration, {@code justWritten}: the files H2 has just created (with the umask's permissions).
   */
  private static void secureDataDir(MichatConfig cfg, boolean justWritten) {
    Path dir = cfg.path(ConfigKeys.DATA_DIR);
    try {
      if (justWritten) {
        PrivateFiles.tightenNew(dir);
      } else {
        PrivateFiles.secure(dir, MySqlSettings.from(cfg).isEmpty());
      }
    } catch (IOException e) {
      throw cfg.invalid(ConfigKeys.DATA_DIR, "cannot make " + dir + " private to the server's user: " + e.getMessage());
    }
  }

  /**
   * Binding is deliberate: unless {@code http.host} is set, a clustered node serves HTTP where its
   * cluster traffic is (cluster.host: 127.0.0.1 by default, the pod IP on Kubernetes), not on every
   * interface; a single process keeps the documented zero-configuration 0.0.0.0.
   */
  static MichatConfig withHttpHost(MichatConfig cfg, boolean cluster) {
    if (cfg.isSet(ConfigKeys.HTTP_HOST)) {
      return cfg;
    }
    return cluster
        ? cfg.with(ConfigKeys.HTTP_HOST, cfg.string(ConfigKeys.CLUSTER_HOST), "cluster.host (clustered, http.host not set)")
        : cfg.with(ConfigKeys.HTTP_HOST, "0.0.0.0", "default (single process)");
  }

  /** A node id for this JVM unless configured (e.g. the pod name on Kubernetes). */
  private static MichatConfig withNodeId(MichatConfig cfg) {
    if (cfg.isSet(ConfigKeys.NODE_ID)) {
      if (!cfg.string(ConfigKeys.NODE_ID).matches("[A-Za-z0-9._-]{1,64}")) {
        throw cfg.invalid(ConfigKeys.NODE_ID, "must be 1-64 letters, digits, '.', '_' or '-'");
      }
      return cfg;
    }
    return cfg.with(ConfigKeys.NODE_ID, UUID.randomUUID().toString().substring(0, 8), "generated");
  }

  /**
   * Fails first, then closes Vert.x: a listener chained on the close itself would be scheduled on
   * an event loop that no longer runs, and the caller would wait forever.
   */
  private static Future<MichatApp> closeAfterFailure(Vertx vertx, Throwable err) {
    Promise<MichatApp> failed = Promise.promise();
    failed.fail(err);
    vertx.close();
    return failed.future();
  }

  /**
   * Back-end roles first, then the HTTP port, so that nothing is served before what it calls is
   * there. Every JVM has the HTTP verticle (at least for /health and /ready), deployed once per event
   * loop; web and gateway add their routes to it. With {@code management.port}, the management
   * listener last, once per JVM.
   */
  private static Future<Deployed> deploy(Vertx vertx, MichatConfig cfg, Set<Role> roles) {
    DeploymentOptions one = new DeploymentOptions().setConfig(cfg.toJson());
    List<Supplier<Future<String>>> steps = new ArrayList<>();
    if (roles.contains(Role.USER)) {
      steps.add(() -> vertx.deployVerticle(UserVerticle::new, one));
    }
    if (roles.contains(Role.PRESENCE)) {
      steps.add(() -> vertx.deployVerticle(PresenceVerticle::new, one));
    }
    if (roles.contains(Role.ROUTER)) {
      steps.add(() -> vertx.deployVerticle(MessageRouterVerticle::new, one));
    }
    if (roles.contains(Role.GATEWAY)) {
      steps.add(() -> vertx.deployVerticle(WebSocketChannelBridge::new, one));
    }
    Future<String> chain = Future.succeededFuture();
    for (Supplier<Future<String>> step : steps) {
      chain = chain.compose(previous -> step.get());
    }
    DeploymentOptions perLoop = new DeploymentOptions(one).setInstances(HTTP_INSTANCES);
    // Every instance shares the one port: any of them tells which.
    AtomicReference<HttpVerticle> anyHttp = new AtomicReference<>();
    Supplier<HttpVerticle> http = () -> {
      HttpVerticle verticle = new HttpVerticle();
      anyHttp.set(verticle);
      return verticle;
    };
    ManagementVerticle management = ManagementVerticle.isEnabled(cfg) ? new ManagementVerticle() : null;
    return chain.compose(last -> vertx.deployVerticle(http, perLoop))
        .compose(front -> (management == null ? Future.succeededFuture("") : vertx.deployVerticle(management, one))
            .map(ok -> new Deployed(List.of(front), anyHttp.get().actualPort(),
                management == null ? OptionalInt.empty() : OptionalInt.of(management.actualPort()))));
  }

  public Vertx vertx() {
    return vertx;
  }

  public MichatConfig config() {
    return cfg;
  }

  /**
   * Graceful: the HTTP verticles go first — the gateway tells its clients to reconnect elsewhere and
   * hands their cursors and presence over while the services they need are still there — then the
   * rest of Vert.x, which leaves the cluster.
   */
  public Future<Void> close() {
    Future<Void> front = Future.succeededFuture();
    for (String id : deployed.front()) {
      front = front.compose(v -> vertx.undeploy(id));
    }
    return front.recover(err -> {
      LOG.warn("HTTP verticles did not stop cleanly: {}", err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> vertx.close()).onComplete(done -> MichatMetrics.forget(cfg));
  }
}
