package michat.auth;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * What a token secret must be: anyone who knows it can sign a session token for any user id, so a
 * value that can be read in the repository or guessed is refused at start-up. Three refusals:
 * <ul>
 *   <li>shorter than {@value #MIN_BYTES} bytes (UTF-8, after trimming);</li>
 *   <li>one of the example values the repository has ever shipped (k8s/, docs, README), compared
 *       after trimming;</li>
 *   <li>obviously low entropy: fewer than {@value #MIN_DISTINCT} distinct characters, or an estimate
 *       below {@value #MIN_ESTIMATED_BITS} bits, where the estimate counts only the characters that are
 *       neither the previous one repeated nor its neighbour (code point ±1, as in "aaaa", "1234",
 *       "dcba") and gives each log2(distinct characters) bits.</li>
 * </ul>
 * Random secrets pass with a wide margin: {@code head -c 32 /dev/urandom | base64} (44 characters,
 * ~31 distinct) estimates ~200 bits, {@code openssl rand -hex 32} (64 characters, ~16 distinct) ~210
 * bits; refusing either would take 40 of its 63 neighbouring pairs to be repeats or neighbours
 * (hex: below 1e-12; base64: far below).
 */
public final class TokenSecretRule {
  public static final int MIN_BYTES = 32;
  public static final int MIN_DISTINCT = 8;
  public static final int MIN_ESTIMATED_BITS = 96;
  static final String HOW = "generate one, e.g. head -c 32 /dev/urandom | base64";

  /** Every token secret the repository has shipped as an example (git log -p -- k8s docs README.md). */
  public static final Set<String> PUBLISHED = Set.of(
      "change-me-to-48-random-characters-0123456789abcdef",   // k8s/base/secret.yaml
      "demo-only-token-secret-0123456789-0123456789-abcdef",  // k8s/overlays/demo/secret-demo.yaml
      "bench-secret-0123456789-0123456789-xx");                // the bench's example bench.seedSecret

  private TokenSecretRule() {}

  /** Why {@code secret} must not sign tokens, or empty when it may. Never repeats the secret. */
  public static Optional<String> problem(String secret) {
    String s = secret.trim();
    if (s.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
      return Optional.of("must be at least " + MIN_BYTES + " bytes: " + HOW);
    }
    if (PUBLISHED.contains(s)) {
      return Optional.of("is an example value published in the michat repository, known to anyone: " + HOW);
    }
    int distinct = (int) s.codePoints().distinct().count();
    if (distinct < MIN_DISTINCT) {
      return Optional.of("has too few distinct characters (" + distinct + ", at least " + MIN_DISTINCT
          + " needed): " + HOW);
    }
    int bits = estimatedBits(s, distinct);
    if (bits < MIN_ESTIMATED_BITS) {
      return Optional.of("is too easy to guess (repeated or consecutive characters: about " + bits
          + " bits, at least " + MIN_ESTIMATED_BITS + " needed): " + HOW);
    }
    return Optional.empty();
  }

  /** Characters that do not follow from the previous one, each worth log2(distinct) bits. */
  static int estimatedBits(String s, int distinct) {
    int[] cps = s.codePoints().toArray();
    int surprising = 1;
    for (int i = 1; i < cps.length; i++) {
      if (Math.abs(cps[i] - cps[i - 1]) > 1) {
        surprising++;
      }
    }
    return (int) Math.floor(surprising * Math.log(distinct) / Math.log(2));
  }
}
