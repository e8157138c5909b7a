package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import michat.auth.Session;
import michat.auth.SessionRevocations;
import michat.auth.SessionTokens;
import michat.contract.Caller;
import michat.model.Failures;
import michat.ginchat.GinchatText;

/**
 * Verifies the caller's session token (found by {@link SessionTokens#tokenOf}: never in the URL),
 * that its session was not ended ({@link SessionRevocations}), and sets or clears the session
 * cookie — only a login, a registration's login or a password change set it. A user may act only
 * for themself.
 */
public final class SessionAuth {
  private final SessionTokens tokens;
  private final SessionRevocations revocations;

  public SessionAuth(SessionTokens tokens, SessionRevocations revocations) {
    this.tokens = tokens;
    this.revocations = revocations;
  }

  /** The caller's live session, or a 401 failure. */
  public Future<Session> session(RoutingContext ctx) {
    return tokens.decode(tokenOf(ctx)).compose(revocations::check);
  }

  /** Who is calling: the user of a live session, with the token services check again; or a 401 failure. */
  public Future<Caller> caller(RoutingContext ctx) {
    String token = tokenOf(ctx);
    return tokens.decode(token).compose(revocations::check).map(s -> new Caller(s.userId(), token));
  }

  /** Like {@link #caller} but fails with {@code message} (e.g. the original's 请先登录). */
  public Future<Caller> caller(RoutingContext ctx, String message) {
    return caller(ctx).recover(err -> Failures.fail(Failures.UNAUTHORIZED, message));
  }

  /**
   * The caller, after checking the id a ginchat request claims to act for: when given, it must be the
   * caller's own (403 otherwise).
   */
  public static Caller self(Caller caller, Long claimed) {
    if (claimed != null && claimed != caller.userId()) {
      throw Failures.of(Failures.FORBIDDEN, GinchatText.NOT_YOURSELF);
    }
    return caller;
  }

  public void setCookie(RoutingContext ctx, String token) {
    ctx.response().addCookie(cookie(ctx, token).setMaxAge(tokens.ttlSeconds()));
  }

  public void clearCookie(RoutingContext ctx) {
    ctx.response().addCookie(cookie(ctx, "").setMaxAge(0));
  }

  private static Cookie cookie(RoutingContext ctx, String value) {
    return Cookie.cookie(SessionTokens.COOKIE, value).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX).setSecure(isHttps(ctx));
  }

  private static boolean isHttps(RoutingContext ctx) {
    return ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  public static String tokenOf(RoutingContext ctx) {
    return SessionTokens.tokenOf(ctx.request());
  }
}
