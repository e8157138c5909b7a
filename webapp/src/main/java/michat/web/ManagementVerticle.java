package michat.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import michat.web.http.HealthRoutes;

/**
 * The operations listener of a JVM, with {@code management.port} set: /metrics (unless
 * {@code metrics.enabled} is false), /health and /ready on {@code management.host}, apart from the
 * application port so that a NetworkPolicy or firewall can fence it. One instance per JVM: it serves
 * a few scrapes a minute, not the users' traffic.
 */
final class ManagementVerticle extends VerticleBase {
  /** Connections of a scraper or a probe that went quiet are not kept. */
  private static final int IDLE_TIMEOUT_SECONDS = 60;

  private HealthRoutes health;
  private volatile int actualPort;

  static boolean isEnabled(MichatConfig cfg) {
    return cfg.isSet(ConfigKeys.MANAGEMENT_PORT);
  }

  /** Checks the settings before anything starts: a port of its own, not the application's. */
  static void check(MichatConfig cfg) {
    if (!isEnabled(cfg)) {
      return;
    }
    int port = cfg.integer(ConfigKeys.MANAGEMENT_PORT, 0, 65535);
    if (port != 0 && port == cfg.integer(ConfigKeys.HTTP_PORT, 0, 65535)) {
      throw cfg.invalid(ConfigKeys.MANAGEMENT_PORT, "must differ from http.port (" + port + ")");
    }
    if (!cfg.isSet(ConfigKeys.MANAGEMENT_HOST)) {
      throw cfg.invalid(ConfigKeys.MANAGEMENT_HOST, "must name an interface, e.g. 127.0.0.1 or 0.0.0.0");
    }
  }

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    Router router = Router.router(vertx);
    if (cfg.bool(ConfigKeys.METRICS_ENABLED)) {
      router.get(HttpVerticle.METRICS).handler(PrometheusScrapingHandler.create(MichatMetrics.registryName(cfg)));
    }
    health = new HealthRoutes(vertx, cfg);
    health.mount(router);
    String host = cfg.string(ConfigKeys.MANAGEMENT_HOST);
    int port = cfg.integer(ConfigKeys.MANAGEMENT_PORT, 0, 65535);
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setHttp2ClearTextEnabled(false));
    return server.requestHandler(router).listen()
        .onSuccess(s -> actualPort = s.actualPort())
        .recover(err -> Future.failedFuture(cfg.invalid(ConfigKeys.MANAGEMENT_PORT,
            "cannot listen on " + host + ":" + port + ": " + err.getMessage())));
  }

  /** The port listened on (the chosen one with {@code management.port} 0); 0 before start. */
  int actualPort() {
    return actualPort;
  }

  @Override
  public Future<?> stop() {
    if (health != null) {
      health.close();
    }
    return Future.succeededFuture();
  }
}
