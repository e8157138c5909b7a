package michat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import michat.config.ConfigException;
import michat.config.MichatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSecretRuleTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  java.nio.file.Path dir;

  @Test
  void tooShortIsRefusedCountingBytesAfterTrimming() {
    assertRefused("aZ9!kQ2#mX7$pL4%vB8^nC3&", "at least 32 bytes");
    assertRefused("   k3Jq9ZpX2mW7vT4rB8nL1cY6hF5dG0s   ", "at least 32 bytes"); // 30 once trimmed
    assertRefused("k3Jq9ZpX2mW7vT4rB8nL1cY6hF5dG0s", "at least 32 bytes");  // 31
    assertTrue(TokenSecretRule.problem("k3Jq9ZpX2mW7vT4rB8nL1cY6hF5dG0sE").isEmpty());  // 32
  }

  @Test
  void everyExampleTheRepositoryShippedIsRefusedEvenWithSpacesAround() {
    for (String published : TokenSecretRule.PUBLISHED) {
      assertRefused(published, "example value published in the michat repository");
      assertRefused("  " + published + "\n", "example value published in the michat repository");
    }
    assertRefused("change-me-to-48-random-characters-0123456789abcdef", "example value");
    assertRefused("demo-only-token-secret-0123456789-0123456789-abcdef", "example value");
  }

  @Test
  void tooFewDistinctCharactersAreRefused() {
    assertRefused("passwordpasswordpasswordpasswordpassword", "too few distinct characters (7, at least 8");
    assertRefused("x".repeat(64), "too few distinct characters (1,");
  }

  @Test
  void runsAndSequencesAreRefused() {
    assertRefused("abcdefghijklmnopqrstuvwxyz0123456789", "too easy to guess");
    assertRefused("zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQ", "too easy to guess");
    assertRefused("aaaabbbbccccddddeeeeffffgggghhhhiiiijjjj", "too easy to guess");
    // the fixed secrets the tests used before: mostly counting from 0 to 9
    assertRefused("test-secret-0123456789-0123456789-abcdef", "too easy to guess");
    assertRefused("unit-test-secret-0123456789-0123456789", "too easy to guess");
  }

  @Test
  void realRandomSecretsAreAlwaysAccepted() {
    byte[] bytes = new byte[32];
    for (int i = 0; i < 20_000; i++) {
      RANDOM.nextBytes(bytes);
      String base64 = Base64.getEncoder().encodeToString(bytes);  // head -c 32 /dev/urandom | base64
      String hex = HexFormat.of().formatHex(bytes);                // openssl rand -hex 32
      assertEquals(Optional.empty(), TokenSecretRule.problem(base64 + "\n"), base64);
      assertEquals(Optional.empty(), TokenSecretRule.problem(hex + "\n"), hex);
      assertEquals(Optional.empty(), TokenSecretRule.problem(TokenSecret.generate()));
    }
  }

  @Test
  void aConfiguredSecretIsCheckedWithTheSettingNamed() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> TokenSecret.resolve(
        MichatConfig.load(null, Map.of("MICHAT_TOKEN_SECRET", "demo-only-token-secret-0123456789-0123456789-abcdef"))));
    assertTrue(e.getMessage().startsWith("setting token.secret (MICHAT_TOKEN_SECRET) from environment MICHAT_TOKEN_SECRET: "
        + "is an example value published in the michat repository"), e.getMessage());
    assertFalse(e.getMessage().contains("0123456789"), "the secret is never repeated: " + e.getMessage());
  }

  @Test
  void aWeakSecretFileIsRefusedTooAndAGeneratedOneIsKept() throws Exception {
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_DATA_DIR", dir.toString()));
    String generated = TokenSecret.resolve(cfg).string(michat.config.ConfigKeys.TOKEN_SECRET);
    assertEquals(Optional.empty(), TokenSecretRule.problem(generated));
    java.nio.file.Files.writeString(dir.resolve(TokenSecret.FILE), "0123456789".repeat(4), StandardCharsets.UTF_8);
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> TokenSecret.resolve(cfg));
    assertTrue(e.getMessage().contains("delete it to generate a new one"), e.getMessage());
  }

  private static void assertRefused(String secret, String reason) {
    Optional<String> problem = TokenSecretRule.problem(secret);
    assertTrue(problem.isPresent() && problem.get().contains(reason), secret + " -> " + problem);
  }
}
