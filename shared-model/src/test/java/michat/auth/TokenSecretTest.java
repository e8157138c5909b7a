package michat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import michat.config.ConfigException;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSecretTest {
  @TempDir
  Path dir;

  @Test
  void embeddedGeneratesOnceAndKeepsIt() throws Exception {
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_DATA_DIR", dir.toString()));
    String first = TokenSecret.resolve(cfg).string(ConfigKeys.TOKEN_SECRET);
    String second = TokenSecret.resolve(cfg).string(ConfigKeys.TOKEN_SECRET);
    assertTrue(TokenSecretRule.problem(first).isEmpty());
    assertEquals(first, second);
    assertEquals(first, Files.readString(dir.resolve(TokenSecret.FILE)));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve(TokenSecret.FILE))));
  }

  @Test
  void withMySqlItMustBeConfigured() {
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1/michat"));
    ConfigException e = assertThrows(ConfigException.class, () -> TokenSecret.resolve(cfg));
    assertTrue(e.getMessage().startsWith("setting token.secret (MICHAT_TOKEN_SECRET)"), e.getMessage());
    ConfigException shortOne = assertThrows(ConfigException.class,
        () -> TokenSecret.resolve(MichatConfig.load(null, Map.of("MICHAT_TOKEN_SECRET", "short"))));
    assertTrue(shortOne.getMessage().contains("at least 32"), shortOne.getMessage());
  }
}
