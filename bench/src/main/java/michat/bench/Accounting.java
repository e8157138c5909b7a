package michat.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What was sent and what arrived. Every message belongs to a stream — a user's private inbox (all
 * private messages addressed to the user) or a group — and carries its index in the stream
 * ({@code bn}), the stream ({@code bs}: -1 = the recipient's inbox, else the group index) and its
 * send time ({@code bt}, this JVM's nanoTime). A receiving session keeps a bit per index per stream:
 * a bit already set is a duplicate; after the run, a stream's count minus the bits set is what that
 * session lost.
 */
final class Accounting {
  /** Messages sent into each user's inbox, by user index. */
  final AtomicInteger[] inbox;
  /** Messages sent into each group, by group index. */
  final AtomicInteger[] group;
  final AtomicLong sent = new AtomicLong();
  /** Deliveries expected: one per private message, group size per group message. */
  final AtomicLong expected = new AtomicLong();
  final AtomicLong received = new AtomicLong();
  /** Protocol 2: acknowledgements (the server stored the message). */
  final AtomicLong acknowledged = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  /** Deliveries of messages whose write failed on the client side (never reached the server). */
  final AtomicLong unsent = new AtomicLong();
  volatile long lastReceiveNanos;
  /** Latency in microseconds, send to receipt. */
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private Histogram interval;

  Accounting(int users, int groups) {
    inbox = counters(users);
    group = counters(groups);
  }

  private static AtomicInteger[] counters(int n) {
    AtomicInteger[] a = new AtomicInteger[n];
    for (int i = 0; i < n; i++) {
      a[i] = new AtomicInteger();
    }
    return a;
  }

  void latency(long micros) {
    recorder.recordValue(Math.max(0, micros));
  }

  /** Moves what was recorded since the last call into the total; returns that interval. */
  synchronized Histogram roll() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return interval;
  }

  synchronized Histogram total() {
    return total;
  }
}
