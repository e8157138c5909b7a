package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pause detector alone, on a clock the test moves; the real SIGSTOP is the fault matrix's gateway-stop row. */
class StallWatchTest {
  @Test
  void aPauseAsLongAsTheThresholdIsReportedOnceWithItsLength() {
    AtomicLong clock = new AtomicLong();
    AtomicLong reported = new AtomicLong(-1);
    int[] wakeUps = {0};
    StallWatch.watch(7_000, reported::set, clock::get, ms -> {
      wakeUps[0]++;
      // on time for a while, then one wake-up 7.5 s late (the JVM was stopped), then on time again
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms + (wakeUps[0] == 20 ? 7_500 : 3)));
      if (wakeUps[0] > 100) {
        throw new InterruptedException("should have reported and returned by now");
      }
    });
    assertEquals(20, wakeUps[0], "it returns at the pause");
    assertTrue(reported.get() >= 7_500 && reported.get() < 7_600, "the pause's length: " + reported.get());
  }

  @Test
  void latenessBelowTheThresholdIsNotAPause() {
    AtomicLong clock = new AtomicLong();
    AtomicLong reported = new AtomicLong(-1);
    int[] wakeUps = {0};
    StallWatch.watch(7_000, reported::set, clock::get, ms -> {
      wakeUps[0]++;
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms + (wakeUps[0] % 10 == 0 ? 6_900 : 0)));   // long GCs, not long enough
      if (wakeUps[0] > 50) {
        throw new InterruptedException("done");
      }
    });
    assertEquals(-1, reported.get());
  }
}
