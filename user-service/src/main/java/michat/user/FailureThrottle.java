package michat.user;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Counts failures per key (an account name, a client address) and locks a key that failed too often:
 * {@code freeFailures} failures cost nothing, each one after that locks the key for
 * {@code firstLockMs}, doubled per further failure up to {@code maxLockMs}. While locked, attempts
 * are refused without any work. Attempts in flight count as possible failures, so that many parallel
 * requests cannot all slip through before the first failure is recorded: at most
 * {@code freeFailures - failures} (at least one) are admitted at once.
 *
 * <p>Memory is bounded: at most {@code maxEntries} keys (the least recently seen is forgotten first)
 * and a key unseen for {@code forgetMs} is dropped by {@link #sweep}. Not thread-safe: one verticle's
 * event loop uses it.
 */
final class FailureThrottle {
  record Policy(int freeFailures, long firstLockMs, long maxLockMs, int maxEntries, long forgetMs) {}

  private static final class Entry {
    int failures;
    int inFlight;
    long lockedUntil;
    long lastSeen;
  }

  private final Policy policy;
  private final LinkedHashMap<String, Entry> entries;

  FailureThrottle(Policy policy) {
    this.policy = policy;
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > policy.maxEntries();
      }
    };
  }

  /**
   * Admits an attempt for {@code key} (empty: go ahead; it is in flight until {@link #failed},
   * {@link #succeeded} or {@link #ended}) or says in how many seconds to try again.
   */
  OptionalLong tryBegin(String key, long now) {
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    e.lastSeen = now;
    if (now < e.lockedUntil) {
      return OptionalLong.of(Math.max(1, (e.lockedUntil - now + 999) / 1000));
    }
    if (e.inFlight >= Math.max(1, policy.freeFailures() - e.failures)) {
      // Attempts already running may use up what is left: ask this one to come back shortly.
      return OptionalLong.of(1);
    }
    e.inFlight++;
    return OptionalLong.empty();
  }

  void failed(String key, long now) {
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    e.inFlight = Math.max(0, e.inFlight - 1);
    e.failures++;
    e.lastSeen = now;
    int over = e.failures - policy.freeFailures();
    if (over >= 0) {
      long lock = policy.firstLockMs() << Math.min(over, 30);
      e.lockedUntil = now + Math.min(policy.maxLockMs(), lock);
    }
  }

  /** The key proved itself (a correct password): its failures are forgotten. */
  void succeeded(String key) {
    Entry e = entries.get(key);
    if (e != null && e.inFlight <= 1) {
      entries.remove(key);
    } else {
      ended(key);
      if (e != null) {
        e.failures = 0;
        e.lockedUntil = 0;
      }
    }
  }

  /** The attempt neither failed nor proved anything (refused for another reason, or an error). */
  void ended(String key) {
    Entry e = entries.get(key);
    if (e != null) {
      e.inFlight = Math.max(0, e.inFlight - 1);
    }
  }

  /** Drops keys unseen for {@code forgetMs}; they are the eldest, in access order. */
  void sweep(long now) {
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (now - e.lastSeen < policy.forgetMs()) {
        return;
      }
      it.remove();
    }
  }

  int size() {
    return entries.size();
  }
}
