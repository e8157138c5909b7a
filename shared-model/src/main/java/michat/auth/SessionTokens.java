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
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.model.Failures;
import michat.model.SeedMessages;

/**
 * Signed, expiring session tokens (JWT, HMAC-SHA256). user-service issues them at login; the web
 * routes and the chat gateway verify them locally with the same secret, so verification costs no
 * event-bus round trip. The subject is the user id.
 */
public final class SessionTokens {
  /** Name of the HttpOnly cookie that carries the token for browsers. */
  public static final String COOKIE = "michat_token";

  private final JWTAuth jwt;
  private final int ttlSeconds;

  public SessionTokens(Vertx vertx, MichatConfig cfg) {
    String secret = cfg.string(ConfigKeys.TOKEN_SECRET);
    if (secret.length() < TokenSecret.MIN_LENGTH) {
      throw cfg.invalid(ConfigKeys.TOKEN_SECRET, "must be at least " + TokenSecret.MIN_LENGTH + " characters");
    }
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.ttlSeconds = (int) cfg.number(ConfigKeys.TOKEN_TTL_HOURS, 1, 24L * 365) * 3600;
  }

  public String issue(long userId) {
    return jwt.generateToken(new JsonObject().put("sub", Long.toString(userId)),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
  }

  /**
   * The token a request carries: {@code Authorization: Bearer}, then a {@code token} parameter (query
   * or form), then the {@code michat_token} cookie; null when there is none.
   */
  public static String tokenOf(HttpServerRequest req) {
    String auth = req.getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    String param = req.getParam("token");
    if (param != null && !param.isBlank()) {
      return param;
    }
    Cookie cookie = req.getCookie(COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** The user id of a valid token; fails with 401 for a missing, forged or expired one. */
  public Future<Long> verify(String token) {
    if (token == null || token.isBlank()) {
      return Failures.fail(Failures.UNAUTHORIZED, SeedMessages.NOT_AUTHENTICATED);
    }
    return jwt.authenticate(new TokenCredentials(token))
        .map(user -> Long.parseLong(user.principal().getString("sub")))
        .recover(err -> Failures.fail(Failures.UNAUTHORIZED, SeedMessages.NOT_AUTHENTICATED));
  }
}
