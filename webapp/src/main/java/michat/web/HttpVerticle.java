package michat.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.freemarker.FreeMarkerTemplateEngine;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import michat.gateway.ChatGateway;
import michat.auth.Origins;
import michat.auth.SessionRevocations;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MediaUrlSettings;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import michat.contract.Refusal;
import michat.contract.Refusal.Refused;
import michat.model.Failures;
import michat.ginchat.GinchatText;
import michat.web.http.AccountRoutes;
import michat.web.http.Api;
import michat.web.http.ClientAddresses;
import michat.web.http.ContactRoutes;
import michat.web.http.CrossSiteGuard;
import michat.web.http.HealthRoutes;
import michat.web.http.HistoryRoutes;
import michat.web.http.LoopbackOnly;
import michat.web.http.PageRoutes;
import michat.web.http.Replies;
import michat.web.http.Services;
import michat.web.http.Shape;
import michat.web.http.SessionAuth;
import michat.web.http.UploadRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port of a JVM, whatever its roles: always /health and /ready (for probes) and, unless
 * {@code metrics.enabled} is false or a management port serves it ({@link ManagementVerticle}),
 * /metrics (Prometheus) for loopback clients only. With the
 * web role it serves pages, static files, the ginchat REST routes and upload (no data of its own:
 * every route calls a service over the event bus); with the gateway role the chat WebSockets. Deployed as several instances, one per event
 * loop; each gateway instance keeps its own sessions.
 */
public class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  /** Prometheus text of this JVM's registry (with {@code metrics.enabled}). */
  public static final String METRICS = "/metrics";

  private HealthRoutes health;
  private SessionRevocations revocations;
  private Api api;
  private ChatGateway gateway;
  private volatile int actualPort;

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    Set<Role> roles = Role.parse(cfg);
    SessionTokens tokens = new SessionTokens(vertx, cfg);
    // Only where sessions are checked: a router or presence JVM's port serves probes alone.
    revocations = roles.contains(Role.WEB) || roles.contains(Role.GATEWAY) ? new SessionRevocations(vertx) : null;
    Origins origins = Origins.from(cfg);
    Router router = Router.router(vertx);
    router.route().handler(HttpVerticle::securityHeaders);
    router.route().handler(new CrossSiteGuard(origins));
    api = new Api(router, cfg.number(ConfigKeys.HTTP_BODY_LIMIT, 1024, 16L << 20));
    if (roles.contains(Role.GATEWAY)) {
      gateway = new ChatGateway(vertx, cfg, tokens, revocations, origins);
      gateway.mount(router);
    }
    health = new HealthRoutes(vertx, cfg);
    health.mount(router);
    if (roles.contains(Role.WEB)) {
      mountWeb(cfg, router, new SessionAuth(tokens, revocations));
    }
    if (cfg.bool(ConfigKeys.METRICS_ENABLED) && !ManagementVerticle.isEnabled(cfg)) {
      router.get(METRICS).handler(new LoopbackOnly(PrometheusScrapingHandler.create(MichatMetrics.registryName(cfg))));
    }
    router.route().failureHandler(this::failed);

    int port = cfg.integer(ConfigKeys.HTTP_PORT, 0, 65535);
    String host = cfg.string(ConfigKeys.HTTP_HOST);
    // Form fields may be as large as a whole body: the body limit, not the decoder, decides (413).
    int bodyLimit = (int) cfg.number(ConfigKeys.HTTP_BODY_LIMIT, 1024, 16L << 20);
    int maxFrame = cfg.integer(ConfigKeys.GATEWAY_MAX_FRAME_BYTES, 1024, 16 << 20);
    // Strict thread mode: every HTTP response of this server is written on the connection's own event
    // loop (handlers, event-bus replies and SQL results all complete there), so Vert.x writes to the
    // channel directly instead of through a multi-producer queue. That queue is allocated per HTTP
    // connection with a fixed 1,024-slot chunk (~4 KB) and stays reachable as long as a WebSocket
    // upgraded from the connection: a quarter of an idle session's heap. A write
    // from another thread would fail loudly ("Only the context thread can write a message"). A chat
    // WebSocket is then taken over from Vert.x, with its own such queue (SocketTakeover).
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost(host)
        .setStrictThreadMode(true)
        // No HTTP/2 without TLS (no browser speaks it): every connection is HTTP/1.x, which HttpConnections guards.
        .setHttp2ClearTextEnabled(false)
        .setMaxFormAttributeSize(bodyLimit * 2)
        .setMaxWebSocketFrameSize(maxFrame).setMaxWebSocketMessageSize(maxFrame));
    server.connectionHandler(new HttpConnections(vertx, cfg)::opened);
    Future<Void> gatewayStarted = (revocations == null ? Future.<Void>succeededFuture() : revocations.ready())
        .compose(v -> gateway == null ? Future.succeededFuture() : gateway.start());
    return gatewayStarted.compose(v -> server.requestHandler(req -> dispatch(req, router)).listen())
        .onSuccess(s -> actualPort = s.actualPort())
        .onSuccess(s -> LOG.debug("HTTP instance listening on http://{}:{}/", host, s.actualPort()))
        .recover(err -> Future.failedFuture(cfg.invalid(ConfigKeys.HTTP_PORT,
            "cannot listen on " + host + ":" + port + ": " + err.getMessage())));
  }

  /** The port listened on (the chosen one with {@code http.port} 0); 0 before start. */
  int actualPort() {
    return actualPort;
  }

  private void mountWeb(MichatConfig cfg, Router router, SessionAuth auth) {
    Services services = new Services(vertx);
    Path uploads = cfg.path(ConfigKeys.DATA_DIR).resolve("upload");
    new AccountRoutes(services, auth, ClientAddresses.from(cfg)).mount(api);
    new ContactRoutes(services, auth).mount(api);
    new HistoryRoutes(services, auth).mount(api);
    new UploadRoutes(vertx, auth, uploads, cfg.number(ConfigKeys.UPLOAD_MAX_BYTES, 1, 1L << 30),
        cfg.integer(ConfigKeys.UPLOAD_MAX_IN_FLIGHT, 1, 1000)).mount(router, api);
    new PageRoutes(vertx, FreeMarkerTemplateEngine.create(vertx).unwrap(), services, auth, MediaUrlSettings.from(cfg)).mount(router);
    BenchSeedRoute.mountIfEnabled(cfg, router, services);
  }

  @Override
  public Future<?> stop() {
    if (health != null) {
      health.close();
    }
    return (gateway == null ? Future.<Void>succeededFuture() : gateway.stop())
        .eventually(() -> revocations == null ? Future.succeededFuture() : revocations.close());
  }

  /** Chat upgrades go to the gateway before the router (ChatGateway.takesUpgrade says why). */
  private void dispatch(HttpServerRequest req, Router router) {
    if (gateway != null && gateway.takesUpgrade(req)) {
      securityHeaders(req.response());
      gateway.chat(req);
    } else {
      router.handle(req);
    }
  }

  private static void securityHeaders(RoutingContext ctx) {
    securityHeaders(ctx.response());
    ctx.next();
  }

  private static void securityHeaders(HttpServerResponse response) {
    response
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "same-origin");
  }

  /** Every failure ends here and is answered in the route's shape, never with internals. */
  private void failed(RoutingContext ctx) {
    Throwable t = ctx.failure();
    String path = ctx.normalizedPath();
    Shape shape = api.shapeOf(path);
    if (t instanceof HttpClosedException) {
      LOG.debug("{} {}: the client went away (or was cut for a timeout)", ctx.request().method(), ctx.request().path());
      return;
    }
    if (t instanceof ReplyException) {
      int status = Failures.codeOf(t);
      Optional<Refused> refused = Refusal.of(t);
      OptionalLong retryAfter = refused.map(Refused::retryAfterSeconds).orElse(OptionalLong.empty());
      retryAfter.ifPresent(seconds -> ctx.response().putHeader("Retry-After", Long.toString(seconds)));
      String message = refused.map(GinchatText::of).orElseGet(() -> status == Failures.UNAVAILABLE
          ? GinchatText.UNAVAILABLE : t.getMessage());
      Replies.error(ctx, shape, api.isRoute(path), status, message);
    } else if (ctx.statusCode() == Failures.TOO_LARGE) {
      Replies.error(ctx, shape, api.isRoute(path), Failures.TOO_LARGE, GinchatText.BODY_TOO_LARGE);
    } else if (ctx.statusCode() == Failures.NOT_FOUND) {
      Replies.error(ctx, shape, api.isRoute(path), Failures.NOT_FOUND, GinchatText.NOT_FOUND);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Replies.error(ctx, shape, api.isRoute(path), ctx.statusCode(), GinchatText.BAD_REQUEST);
    } else {
      LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(t));
      Replies.error(ctx, shape, api.isRoute(path), Failures.INTERNAL, GinchatText.INTERNAL_ERROR);
    }
  }
}
