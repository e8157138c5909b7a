package michat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a session token carries and which tokens are refused before any revocation check. */
class SessionTokensTest {
  private static final String SECRET = TokenSecret.generate();
  private static Vertx vertx;
  private static SessionTokens tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new SessionTokens(vertx, MichatConfig.load(null, Map.of("MICHAT_TOKEN_SECRET", SECRET)));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aTokenNamesItsUserLoginGenerationAndExpiry() throws Exception {
    Session s = tokens.decode(tokens.issue(42, 7)).await(5, TimeUnit.SECONDS);
    assertEquals(42, s.userId());
    assertEquals(7, s.generation());
    assertEquals(16, s.id().length(), s.id());
    long inAWeek = System.currentTimeMillis() / 1000 + tokens.ttlSeconds();
    assertTrue(Math.abs(s.expiresAt() - inAWeek) < 60, "expires with the configured lifetime");
    Session other = tokens.decode(tokens.issue(42, 7)).await(5, TimeUnit.SECONDS);
    assertNotEquals(s.id(), other.id(), "every login its own session id");
  }

  @Test
  void tokensWithoutASessionIdAreRefused() {
    // As issued before sessions could be ended: signed with the right key, but nothing to revoke it by.
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    String old = jwt.generateToken(new JsonObject().put("sub", "42"),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(3600));
    assertTrue(failed(tokens.decode(old)), "an old token without sid is refused");
    assertTrue(failed(tokens.decode(tokens.issue(42, 0) + "x")), "a forged signature is refused");
    assertTrue(failed(tokens.decode("")), "no token is refused");
  }

  private static boolean failed(io.vertx.core.Future<?> f) {
    try {
      f.await(5, TimeUnit.SECONDS);
      return false;
    } catch (Exception e) {
      return true;
    }
  }
}
