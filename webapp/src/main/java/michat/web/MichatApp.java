package michat.web;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import michat.auth.TokenSecret;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.RedisSettings;
import michat.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running michat: a Vert.x instance with the verticles of the chosen roles. Used by the
 * {@link Launcher} and by tests, which start the real server in-process.
 */
public final class MichatApp {
  private static final Logger LOG = LoggerFactory.getLogger(MichatApp.class);

  private final Vertx vertx;
  private final MichatConfig cfg;

  private MichatApp(Vertx vertx, MichatConfig cfg) {
    this.vertx = vertx;
    this.cfg = cfg;
  }

  /**
   * Resolves the token secret, migrates the schema when a role needs SQL (blocking, on the calling
   * thread), then starts Vert.x and deploys the roles. Setting errors surface as
   * {@link michat.config.ConfigException}, synchronously or as the failure of the returned future.
   */
  public static Future<MichatApp> start(MichatConfig config, boolean cluster) {
    MichatConfig cfg = TokenSecret.resolve(config);
    Set<Role> roles = Role.parse(cfg);
    cfg.integer(ConfigKeys.HTTP_PORT, 0, 65535);
    Database db = new Database(cfg);
    RedisSettings.from(cfg);
    if (roles.stream().anyMatch(Role::needsStorage)) {
      db.migrate();
    }
    Future<Vertx> vertx = cluster
        ? ClusterSupport.start(cfg, new VertxOptions())
        : Future.succeededFuture(Vertx.vertx(new VertxOptions()));
    return vertx.compose(v -> RedisCheck.reachable(v, cfg)
        .compose(ok -> deploy(v, cfg, roles))
        .map(ids -> new MichatApp(v, cfg))
        .onSuccess(app -> LOG.info("michat started: roles {}{}; {}storage {}; presence {}",
            roles.stream().map(Role::label).collect(Collectors.joining(",")),
            cluster ? " (clustered)" : "",
            roles.contains(Role.WEB) ? "listening on http://" + cfg.string(ConfigKeys.HTTP_HOST) + ":"
                + cfg.string(ConfigKeys.HTTP_PORT) + "/; " : "",
            db.describe(),
            RedisSettings.from(cfg).map(RedisSettings::describe).orElse("in-JVM shared data")))
        .recover(err -> closeAfterFailure(v, err)));
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

  private static Future<List<String>> deploy(Vertx vertx, MichatConfig cfg, Set<Role> roles) {
    List<Future<String>> deployments = new ArrayList<>();
    DeploymentOptions options = new DeploymentOptions().setConfig(cfg.toJson());
    // user-service first, so the web role never answers before its backend is there
    for (Role role : roles) {
      role.verticle().ifPresent(supplier -> deployments.add(vertx.deployVerticle(supplier, options)));
    }
    return Future.all(deployments).map(all -> all.<String>list());
  }

  public Vertx vertx() {
    return vertx;
  }

  public MichatConfig config() {
    return cfg;
  }

  public Future<Void> close() {
    return vertx.close();
  }
}
