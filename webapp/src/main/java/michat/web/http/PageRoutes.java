package michat.web.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import freemarker.template.Configuration;
import freemarker.template.Template;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.StringWriter;
import io.vertx.ext.web.handler.StaticHandler;
import michat.contract.UserApi;
import michat.model.MediaUrls;

/** The FreeMarker pages and the static assets served from the jar. */
public final class PageRoutes {
  /**
   * Pages load scripts, styles and icons only from this server and never run inline code, so injected
   * markup could not execute even if it reached the DOM. Pictures and voice clips come from this
   * server, from blob: (a picture shown while it uploads) and from the https hosts an operator allows
   * in {@code media.externalUrls} — nothing else, so that no message makes a recipient's browser call
   * out (MediaUrls); the chat WebSocket is same-origin ('self' covers ws/wss on the page's host).
   */
  static String contentSecurityPolicy(MediaUrls media) {
    String external = media.cspSources().isEmpty() ? "" : " " + media.cspSources();
    return String.join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:" + external,
        "media-src 'self' blob:" + external,
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'");
  }

  /** Appended to asset URLs (?v=…) so that browsers never run a previous release's cached scripts. */
  static final String ASSET_VERSION = Long.toString(System.currentTimeMillis(), 36);

  private final Vertx vertx;
  private final Configuration templates;
  private final Services services;
  private final SessionAuth auth;
  private final String contentSecurityPolicy;

  /** {@code templates}: the FreeMarker configuration of Vert.x's engine (it resolves the classpath). */
  public PageRoutes(Vertx vertx, Configuration templates, Services services, SessionAuth auth, MediaUrls media) {
    this.vertx = vertx;
    this.templates = templates;
    this.services = services;
    this.auth = auth;
    this.contentSecurityPolicy = contentSecurityPolicy(media);
  }

  /** Call after the upload routes, so that {@code /asset/upload/*} is served from the data directory. */
  public void mount(Router router) {
    router.get("/").handler(this::login);
    router.get("/index").handler(this::login);
    router.get("/toRegister").handler(this::register);
    router.get("/toChat").handler(this::chat);
    router.get("/favicon.ico").handler(ctx -> ctx.reroute("/asset/images/favicon.ico"));
    // The chat page's ES modules import each other by plain URLs (only the entry carries ?v=): a
    // browser must revalidate them, or it could run a new entry module with old ones from its cache.
    router.route("/asset/js/chat/*").handler(ctx -> {
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
      ctx.next();
    });
    router.route("/asset/*").handler(StaticHandler.create("webroot/asset").setDirectoryListing(false));
  }

  private void login(RoutingContext ctx) {
    render(ctx, "templates/index.ftl", new JsonObject().put("title", "登录 · michat"));
  }

  private void register(RoutingContext ctx) {
    render(ctx, "templates/register.ftl", new JsonObject().put("title", "注册 · michat"));
  }

  /**
   * Only for a live session from a login's cookie; anyone else is sent to the login page. The
   * ginchat clients also put {@code ?userId=…&token=…} in this URL: the token is ignored, so that no
   * link or image can choose the session a browser uses (login sets the cookie before the client comes
   * here); {@code userId} picks that user's cookie when this browser holds one (two users, two tabs).
   */
  private void chat(RoutingContext ctx) {
    auth.callerPreferring(ctx, "userId")
        .compose(caller -> services.request(UserApi.FIND, new UserApi.FindUser(caller, caller.userId())))
        .onSuccess(user -> {
          render(ctx, "templates/chat.ftl", new JsonObject()
              .put("title", "michat")
              .put("userId", user.id())
              .put("userName", user.name()));
        })
        .onFailure(err -> ctx.redirect("/index"));
  }

  /**
   * Renders to a String and sends it as UTF-8. (Vert.x's FreeMarkerTemplateEngine.render writes
   * with the JVM's default charset, which on Java 17 is not always UTF-8.)
   */
  private void render(RoutingContext ctx, String template, JsonObject model) {
    render(template, model)
        .onSuccess(html -> ctx.response()
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .putHeader("Content-Security-Policy", contentSecurityPolicy)
            .end(html))
        .onFailure(ctx::fail);
  }

  private Future<String> render(String name, JsonObject model) {
    model.put("assetVersion", ASSET_VERSION);
    return vertx.executeBlocking(() -> {
      Template template = templates.getTemplate(name);
      StringWriter out = new StringWriter();
      template.process(model.getMap(), out);
      return out.toString();
    }, false);
  }
}
