package michat.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import michat.metrics.MichatMetrics;

/**
 * The chat sessions of one gateway instance, by user. Used on the instance's event loop only, so it
 * needs no locks.
 */
final class SessionRegistry {
  private final Map<Long, Map<String, ChatSession>> byUser = new HashMap<>();
  private final MichatMetrics metrics;

  SessionRegistry(MichatMetrics metrics) {
    this.metrics = metrics;
  }

  void add(ChatSession s) {
    byUser.computeIfAbsent(s.userId, k -> new HashMap<>()).put(s.id, s);
    metrics.sessionsOpen.incrementAndGet();
  }

  /** Removes the session; false when it was no longer there. */
  boolean forget(ChatSession s) {
    Map<String, ChatSession> mine = byUser.get(s.userId);
    if (mine == null || mine.remove(s.id) == null) {
      return false;
    }
    metrics.sessionsOpen.decrementAndGet();
    if (mine.isEmpty()) {
      byUser.remove(s.userId);
    }
    return true;
  }

  /** The user's sessions here (live view; copy it before closing any). */
  Iterable<ChatSession> of(long userId) {
    Map<String, ChatSession> mine = byUser.get(userId);
    return mine == null ? List.of() : mine.values();
  }

  /** The v2 sessions of these users. */
  List<ChatSession> v2Of(List<Long> users) {
    List<ChatSession> v2 = new ArrayList<>();
    for (Long user : users) {
      for (ChatSession s : of(user)) {
        if (s.v2) {
          v2.add(s);
        }
      }
    }
    return v2;
  }

  boolean isEmpty() {
    return byUser.isEmpty();
  }

  /** A snapshot: the caller may close sessions, which removes them from the registry. */
  List<ChatSession> all() {
    List<ChatSession> all = new ArrayList<>();
    byUser.values().forEach(m -> all.addAll(m.values()));
    return all;
  }
}
