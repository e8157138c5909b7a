package michat.web.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import michat.auth.Origins;
import michat.auth.SessionTokens;
import michat.model.Failures;
import michat.ginchat.GinchatText;

/**
 * Refuses state-changing requests that another site's page made a browser send (cross-site request
 * forgery): one the browser authenticated with the session cookie must come from an allowed page
 * ({@link Origins}); one without the cookie (a login, a registration) may come from no page at all,
 * but not from another site's (it would sign the victim's browser in to the attacker's account).
 * Requests with a Bearer token pass: no page can make a browser add one. Answered 403 in the route's
 * shape, before the body is read.
 */
public final class CrossSiteGuard implements Handler<RoutingContext> {
  private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
      HttpMethod.PATCH);

  private final Origins origins;

  public CrossSiteGuard(Origins origins) {
    this.origins = origins;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!STATE_CHANGING.contains(req.method()) || acceptable(req)) {
      ctx.next();
    } else {
      ctx.fail(Failures.of(Failures.FORBIDDEN, GinchatText.CROSS_SITE));
    }
  }

  private boolean acceptable(HttpServerRequest req) {
    if (SessionTokens.bearerOf(req) != null) {
      return true;   // no page can make a browser add one
    }
    return SessionTokens.hasSessionCookie(req) ? origins.fromAllowedPage(req) : origins.notFromForeignPage(req);
  }
}
