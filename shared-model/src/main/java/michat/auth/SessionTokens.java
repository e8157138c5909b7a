package michat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.SecureRandom;
import java.util.Base64;
import michat.contract.Refusal;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * Signed, expiring session tokens (JWT, HMAC-SHA256). user-service issues them at login; the web
 * routes and the chat gateway check them locally with the same secret, so a signature check costs no
 * event-bus round trip; whether the session was ended early is {@link SessionRevocations}'s job. The
 * subject is the user id; {@code sid} names the login and {@code gen} is the user's token generation.
 */
public final class SessionTokens {
  /** Name of the HttpOnly cookie that carries the token of the browser's latest login. */
  public static final String COOKIE = "michat_token";

  /**
   * The cookie of one signed-in user. A browser keeps one per user besides {@link #COOKIE}, so that two
   * users signed in in two tabs of one browser each keep theirs: the ginchat routes name the user they
   * act for, and that user's cookie is the one used.
   */
  public static String userCookie(long userId) {
    return COOKIE + "_" + userId;
  }

  private final JWTAuth jwt;
  private final int ttlSeconds;
  private final SecureRandom random = new SecureRandom();

  public SessionTokens(Vertx vertx, MichatConfig cfg) {
    TokenSecret.check(cfg);
    String secret = cfg.string(ConfigKeys.TOKEN_SECRET);
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.ttlSeconds = (int) cfg.number(ConfigKeys.TOKEN_TTL_HOURS, 1, 24L * 365) * 3600;
  }

  /** A token for a new login of {@code userId}, whose token generation is now {@code generation}. */
  public String issue(long userId, int generation) {
    byte[] sid = new byte[12];
    random.nextBytes(sid);
    return jwt.generateToken(new JsonObject().put("sub", Long.toString(userId))
            .put("sid", Base64.getUrlEncoder().withoutPadding().encodeToString(sid)).put("gen", generation),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
  }

  /**
   * The token a REST request carries: {@code Authorization: Bearer}, else the {@code michat_token}
   * cookie; null when there is none. Never the URL: a link or an {@code <img src>} could otherwise
   * act with (or plant) a session.
   */
  public static String tokenOf(HttpServerRequest req) {
    return tokenOf(req, null);
  }

  /**
   * As {@link #tokenOf(HttpServerRequest)}, for a request that says whom it acts for ({@code claimed},
   * null when it does not): that user's own cookie when the browser holds one. It only chooses among
   * the sessions this browser already has; the caller is still checked against the claim.
   */
  public static String tokenOf(HttpServerRequest req, Long claimed) {
    String bearer = bearerOf(req);
    if (bearer != null) {
      return bearer;
    }
    if (claimed != null) {
      String own = valueOf(req.getCookie(userCookie(claimed)));
      if (own != null) {
        return own;
      }
    }
    return valueOf(req.getCookie(COOKIE));
  }

  private static String valueOf(Cookie cookie) {
    return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
  }

  /**
   * The token of a chat WebSocket upgrade: as {@link #tokenOf}, but a {@code token} query parameter
   * comes before the cookie — browsers cannot put headers on a WebSocket, so the ginchat clients send
   * it in the URL, and an upgrade needs script on a page to start, which no link or image can do.
   */
  public static String upgradeTokenOf(HttpServerRequest req) {
    String bearer = bearerOf(req);
    if (bearer != null) {
      return bearer;
    }
    String param = req.getParam("token");
    if (param != null && !param.isBlank()) {
      return param;
    }
    String claimed = req.getParam("userId");
    return tokenOf(req, claimed != null && claimed.matches("\\d{1,18}") ? Long.valueOf(claimed) : null);
  }

  /** Whether the request's credentials are one of the session cookies (which a browser adds by itself, even cross-site). */
  public static boolean fromCookie(HttpServerRequest req, String token) {
    return token != null && req.cookies().stream().anyMatch(c -> isSessionCookie(c.getName()) && token.equals(c.getValue()));
  }

  /** Whether the browser sent any session cookie: the request may then be one another site's page made it send. */
  public static boolean hasSessionCookie(HttpServerRequest req) {
    return req.cookies().stream().anyMatch(c -> isSessionCookie(c.getName()) && !c.getValue().isBlank());
  }

  private static boolean isSessionCookie(String name) {
    return name.equals(COOKIE) || (name.startsWith(COOKIE + "_") && name.substring(COOKIE.length() + 1).matches("\\d{1,18}"));
  }

  /** The {@code Authorization: Bearer} token; null when there is none. */
  public static String bearerOf(HttpServerRequest req) {
    String auth = req.getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).isBlank()) {
      return auth.substring(7).trim();
    }
    return null;
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /**
   * The session of a well-signed, unexpired token; fails with 401 for a missing, forged or expired
   * one, and for tokens from before sessions could be ended (no {@code sid}: their users log in again).
   */
  public Future<Session> decode(String token) {
    if (token == null || token.isBlank()) {
      return Refusal.NOT_AUTHENTICATED.fail();
    }
    return jwt.authenticate(new TokenCredentials(token))
        .compose(user -> {
          // The verified claims (the principal holds only those the token was issued with, without exp).
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          Object sub = claims.getValue("sub");
          Object sid = claims.getValue("sid");
          Object gen = claims.getValue("gen");
          Object exp = claims.getValue("exp");
          if (!(sub instanceof String s && s.matches("\\d{1,18}")) || !(sid instanceof String id)
              || !(gen instanceof Integer g) || !(exp instanceof Number e)) {
            return Refusal.NOT_AUTHENTICATED.<Session>fail();
          }
          return Future.succeededFuture(new Session(Long.parseLong(s), id, g, e.longValue()));
        })
        .recover(err -> Refusal.NOT_AUTHENTICATED.fail());
  }
}
