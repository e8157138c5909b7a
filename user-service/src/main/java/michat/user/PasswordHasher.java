package michat.user;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 from the JDK's maintained implementation. A hash records its own
 * iteration count ({@code pbkdf2_sha256$iterations$salt$hash}), so raising {@code password.iterations}
 * later keeps old hashes verifiable. Deliberately slow: call it off the event loop
 * (user-service calls it through {@link PasswordQueue}).
 */
public final class PasswordHasher {
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final String PREFIX = "pbkdf2_sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private final int iterations;
  private final SecureRandom random = new SecureRandom();

  public PasswordHasher(int iterations) {
    this.iterations = iterations;
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return encode(salt, derive(password, salt, iterations));
  }

  /**
   * A well-formed hash of random bytes that no password matches, with this hasher's iteration count:
   * checking a password against it costs what checking a real one does.
   */
  public String unmatchable() {
    byte[] salt = new byte[SALT_BYTES];
    byte[] hash = new byte[HASH_BITS / 8];
    random.nextBytes(salt);
    random.nextBytes(hash);
    return encode(salt, hash);
  }

  public boolean matches(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(parts[3]);
    byte[] actual = derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  private String encode(byte[] salt, byte[] hash) {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " unavailable in this JVM", e);
    } finally {
      spec.clearPassword();
    }
  }

}
