package michat.gateway;

/**
 * The message rate of one connection: {@code burst} messages at once, refilled at {@code perSecond}.
 * Used from one event loop only.
 */
final class TokenBucket {
  private final double perMs;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(int perSecond, int burst) {
    this.perMs = perSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.last = System.currentTimeMillis();
  }

  /** Takes one token; false when the connection has to wait. */
  boolean tryTake() {
    long now = System.currentTimeMillis();
    tokens = Math.min(burst, tokens + (now - last) * perMs);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
