package michat.web;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Notices that this whole JVM did not run for a while — stopped (SIGSTOP, a frozen VM), or a
 * stop-the-world pause — by a thread that wakes up far later than it asked to. A clustered node
 * paused longer than the cluster's failure detection has been expelled by the other members: they
 * dropped its event-bus registrations and stopped sending to it, while it still holds its clients'
 * sockets. Such a node must not go on as if nothing happened (its users would send into a void);
 * {@link Launcher} makes it leave, so that a supervisor starts it again, clean.
 */
final class StallWatch {
  /** How often the watching thread wakes up. */
  static final long CHECK_MS = 250;

  private StallWatch() {
  }

  /**
   * Starts watching on a daemon thread; {@code onStall} gets the pause in milliseconds, once, when
   * one reaches {@code thresholdMs}.
   */
  static Thread start(long thresholdMs, LongConsumer onStall) {
    Thread t = new Thread(() -> watch(thresholdMs, onStall, System::nanoTime, StallWatch::sleep), "michat-stall-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The loop, with its clock and its sleep given (tests pass their own). */
  static void watch(long thresholdMs, LongConsumer onStall, LongSupplier nanoClock, Sleeper sleeper) {
    long last = nanoClock.getAsLong();
    while (true) {
      try {
        sleeper.sleep(CHECK_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = nanoClock.getAsLong();
      long paused = TimeUnit.NANOSECONDS.toMillis(now - last) - CHECK_MS;
      last = now;
      if (paused >= thresholdMs) {
        onStall.accept(paused);
        return;
      }
    }
  }

  @FunctionalInterface
  interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  private static void sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }
}
