package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import michat.auth.SessionRevocations;
import michat.auth.SessionTokens;
import michat.contract.Caller;
import michat.model.Failures;
import michat.ginchat.GinchatText;

/**
 * Verifies the caller's session token (found by {@link SessionTokens#tokenOf}: never in the URL),
 * that its session was not ended ({@link SessionRevocations}), and sets or clears the session
 * cookies — only a login, a registration's login or a password change set them. A user may act only
 * for themself.
 */
public final class SessionAuth {
  private final SessionTokens tokens;
  private final SessionRevocations revocations;

  public SessionAuth(SessionTokens tokens, SessionRevocations revocations) {
    this.tokens = tokens;
    this.revocations = revocations;
  }

  /** Who is calling: the user of a live session, with the token services check again; or a 401 failure. */
  public Future<Caller> caller(RoutingContext ctx) {
    return callerWith(tokenOf(ctx));
  }

  /**
   * Who is calling, for a ginchat route whose parameter {@code param} names the user it acts for: the
   * browser's cookie of that user when it has one (two users in two tabs), and the caller must be that
   * user (403 otherwise); a request that names nobody is the caller's own.
   */
  public Future<Caller> callerNamedBy(RoutingContext ctx, String param) {
    return callerNamedBy(ctx, param, null);
  }

  /**
   * Like {@link #callerNamedBy(RoutingContext, String)} but a missing session fails with {@code message}
   * (e.g. the original's 请先登录; null: the session check's own).
   */
  public Future<Caller> callerNamedBy(RoutingContext ctx, String param, String message) {
    Long claimed = Params.id(ctx, param);
    Future<Caller> caller = callerWith(SessionTokens.tokenOf(ctx.request(), claimed));
    return (message == null ? caller : caller.recover(err -> Failures.fail(Failures.UNAUTHORIZED, message)))
        .map(c -> self(c, claimed));
  }

  /**
   * Who is calling, preferring the browser's cookie of the user {@code param} names (the chat page's
   * {@code userId}, a history's {@code userIdA}) without requiring the caller to be that user: it only
   * chooses among the sessions this browser already holds.
   */
  public Future<Caller> callerPreferring(RoutingContext ctx, String param) {
    String raw = ctx.request().getParam(param);
    Long preferred = raw != null && raw.matches("\\d{1,18}") ? Long.valueOf(raw) : null;
    return callerWith(SessionTokens.tokenOf(ctx.request(), preferred));
  }

  private Future<Caller> callerWith(String token) {
    return tokens.decode(token).compose(revocations::check).map(s -> new Caller(s.userId(), token));
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

  /** The browser's latest login, and that user's own cookie (kept when another user signs in). */
  public void setCookies(RoutingContext ctx, String token, long userId) {
    ctx.response().addCookie(cookie(ctx, SessionTokens.COOKIE, token).setMaxAge(tokens.ttlSeconds()));
    ctx.response().addCookie(cookie(ctx, SessionTokens.userCookie(userId), token).setMaxAge(tokens.ttlSeconds()));
  }

  /**
   * Forgets the session {@code token} of {@code userId}: that user's cookie, and the latest-login
   * cookie only when it is that session (another user's, in another tab, stays).
   */
  public void clearCookies(RoutingContext ctx, long userId, String token) {
    ctx.response().addCookie(cookie(ctx, SessionTokens.userCookie(userId), "").setMaxAge(0));
    Cookie latest = ctx.request().getCookie(SessionTokens.COOKIE);
    if (latest == null || latest.getValue().equals(token)) {
      ctx.response().addCookie(cookie(ctx, SessionTokens.COOKIE, "").setMaxAge(0));
    }
  }

  /** Forgets the latest-login cookie (a logout without a live session). */
  public void clearLatestCookie(RoutingContext ctx) {
    ctx.response().addCookie(cookie(ctx, SessionTokens.COOKIE, "").setMaxAge(0));
  }

  private static Cookie cookie(RoutingContext ctx, String name, String value) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX).setSecure(isHttps(ctx));
  }

  private static boolean isHttps(RoutingContext ctx) {
    return ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  public static String tokenOf(RoutingContext ctx) {
    return SessionTokens.tokenOf(ctx.request());
  }
}
