package michat.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The lock arithmetic and the memory bound of the login throttle, without a server: the end-to-end
 * behaviour (429, Retry-After, parallel guesses) is webapp's LoginThrottleTest.
 */
class FailureThrottleTest {
  private static final long MINUTE = 60_000;

  private static FailureThrottle throttle(int maxEntries) {
    return new FailureThrottle(new FailureThrottle.Policy(2, 1_000, 8_000, maxEntries, 15 * MINUTE));
  }

  private static void fail(FailureThrottle t, String key, long now) {
    assertEquals(OptionalLong.empty(), t.tryBegin(key, now), "admitted");
    t.failed(key, now);
  }

  @Test
  void freeFailuresThenLocksThatDoubleUpToTheMaximum() {
    FailureThrottle t = throttle(100);
    long now = 0;
    fail(t, "alice", now);
    fail(t, "alice", now);   // the second free failure already locks the next one out for 1 s
    assertEquals(OptionalLong.of(1), t.tryBegin("alice", now));
    long[] expectedLockMs = {2_000, 4_000, 8_000, 8_000};   // doubled per further failure, capped
    for (long lock : expectedLockMs) {
      now += 8_000;
      fail(t, "alice", now);
      assertEquals(OptionalLong.of(lock / 1000), t.tryBegin("alice", now), "locked " + lock + " ms");
    }
    assertEquals(OptionalLong.empty(), t.tryBegin("bob", now), "other keys are not concerned");
  }

  @Test
  void aSuccessForgetsTheFailures() {
    FailureThrottle t = throttle(100);
    fail(t, "alice", 0);
    assertEquals(OptionalLong.empty(), t.tryBegin("alice", 1));
    t.succeeded("alice");
    assertEquals(0, t.size(), "nothing is kept for a key that proved itself");
  }

  @Test
  void memoryStaysBoundedByEntriesAndQuietKeysAreSwept() {
    FailureThrottle t = throttle(1_000);
    for (int i = 0; i < 50_000; i++) {
      fail(t, "guess-" + i, i);
    }
    assertEquals(1_000, t.size(), "at most maxEntries keys, the least recently seen forgotten");
    t.sweep(50_000 + 15 * MINUTE - 500);
    assertTrue(t.size() < 1_000 && t.size() > 0, "the quietest are swept first: " + t.size());
    t.sweep(50_000 + 16 * MINUTE);
    assertEquals(0, t.size(), "keys quiet for longer than forgetMs are gone");
  }
}
