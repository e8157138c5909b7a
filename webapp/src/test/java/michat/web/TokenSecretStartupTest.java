package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import michat.config.ConfigException;
import michat.config.MichatConfig;
import org.junit.jupiter.api.Test;

/**
 * A token secret anyone can read in the repository must not start a server: with it, anyone could
 * sign a session token for any user id.
 */
class TokenSecretStartupTest {
  /** What k8s/base/secret.yaml shipped until the base stopped committing a secret. */
  private static final String FROM_THE_REPOSITORY = "change-me-to-48-random-characters-0123456789abcdef";

  @Test
  void aSecretFromTheRepositoryStopsStartUpWithTheSettingNamed() {
    Map<String, String> env = TestServer.baseEnv(TestServer.tempDir());
    env.put("MICHAT_TOKEN_SECRET", FROM_THE_REPOSITORY);
    int port = Integer.parseInt(env.get("PORT"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> MichatApp.start(MichatConfig.load(null, env), false).await());
    assertTrue(e.getMessage().startsWith("setting token.secret (MICHAT_TOKEN_SECRET) from environment "
        + "MICHAT_TOKEN_SECRET: is an example value published in the michat repository"), e.getMessage());
    assertFalse(e.getMessage().contains(FROM_THE_REPOSITORY), "the secret is not logged");
    assertFalse(TestServer.isListening(port), "nothing was started");

    env.put("MICHAT_TOKEN_SECRET", "  " + FROM_THE_REPOSITORY + "\n");
    assertThrows(ConfigException.class, () -> MichatApp.start(MichatConfig.load(null, env), false).await());
  }

  @Test
  void aRandomSecretStarts() {
    Map<String, String> env = TestServer.baseEnv(TestServer.tempDir());
    env.put("MICHAT_TOKEN_SECRET", michat.auth.TokenSecret.generate());
    try (TestServer server = TestServer.start(env, null)) {
      assertEquals(200, TestServer.status(server.get("/ready")));
    }
  }
}
