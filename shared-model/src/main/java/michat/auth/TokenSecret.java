package michat.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import michat.config.ConfigException;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.MySqlSettings;

/**
 * Where the token secret comes from. With servers (MySQL configured) it must be configured, so that
 * every JVM of a deployment signs and verifies with the same key. On the embedded default it is
 * generated on first start and kept in {@code <data.dir>/token-secret}, so sessions survive a restart.
 */
public final class TokenSecret {
  static final String FILE = "token-secret";

  private TokenSecret() {}

  /** Returns the config with {@code token.secret} resolved. Blocking: call before Vert.x work starts. */
  public static MichatConfig resolve(MichatConfig cfg) {
    if (cfg.isSet(ConfigKeys.TOKEN_SECRET)) {
      check(cfg);
      return cfg;
    }
    if (MySqlSettings.from(cfg).isPresent()) {
      throw cfg.invalid(ConfigKeys.TOKEN_SECRET,
          "required when MySQL is configured, so that every node signs with the same key (at least "
              + TokenSecretRule.MIN_BYTES + " random bytes: " + TokenSecretRule.HOW + ")");
    }
    Path file = cfg.path(ConfigKeys.DATA_DIR).resolve(FILE);
    try {
      if (Files.exists(file)) {
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        String problem = TokenSecretRule.problem(secret).orElse(null);
        if (problem != null) {
          throw new ConfigException("token secret file " + file + " " + problem.replace(TokenSecretRule.HOW,
              "delete it to generate a new one (logs everybody out)"));
        }
        return cfg.with(ConfigKeys.TOKEN_SECRET, secret, "file " + file);
      }
      Files.createDirectories(file.getParent());
      String secret = generate();
      Files.writeString(file, secret, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the data directory's own permissions protect it
      }
      return cfg.with(ConfigKeys.TOKEN_SECRET, secret, "generated file " + file);
    } catch (IOException e) {
      throw cfg.invalid(ConfigKeys.DATA_DIR, "cannot keep the token secret in " + file + ": " + e.getMessage());
    }
  }

  /** Refuses a configured secret that {@link TokenSecretRule} does not accept, naming the setting. */
  public static void check(MichatConfig cfg) {
    TokenSecretRule.problem(cfg.string(ConfigKeys.TOKEN_SECRET)).ifPresent(problem -> {
      throw cfg.invalid(ConfigKeys.TOKEN_SECRET, problem);
    });
  }

  /**
   * 48 random bytes, base64url: passes the rule but for odds below 1e-40; drawn again then, so that a
   * generated secret can never stop the next start.
   */
  public static String generate() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[48];
    String secret;
    do {
      random.nextBytes(bytes);
      secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (TokenSecretRule.problem(secret).isPresent());
    return secret;
  }
}
