package michat.bench;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/** One WebSocket session of one seeded user, with what it received. */
final class BenchSession {
  static final String WELCOME = "欢迎进入聊天系统";

  final int index;
  final long userId;
  final String token;
  /** The groups this user is in (group indexes). */
  int[] groups = new int[0];
  volatile WebSocket ws;
  volatile boolean welcomed;
  volatile boolean closedByServer;
  volatile Short closeCode;
  /** Completed by the welcome frame of the current connection. */
  volatile io.vertx.core.Promise<Void> welcome;
  private final BitSet inbox = new BitSet();
  private final Map<Integer, BitSet> groupSeen = new HashMap<>();

  BenchSession(int index, long userId, String token) {
    this.index = index;
    this.userId = userId;
    this.token = token;
  }

  /** Called on the session's event loop for every text frame. */
  void onText(String text, Accounting acct) {
    if (!welcomed && WELCOME.equals(text)) {
      welcomed = true;
      if (welcome != null) {
        welcome.tryComplete();
      }
      return;
    }
    if (text.startsWith(ACK)) {
      acct.acknowledged.incrementAndGet();
      return;
    }
    long now = System.nanoTime();
    // The bench's own fields, read straight from the text: parsing every frame into a JsonObject
    // made the load generator, not the server, the bottleneck of fan-out runs on a small machine.
    long bn = numberAfter(text, "\"bn\":");
    long bs = numberAfter(text, "\"bs\":");
    long bt = numberAfter(text, "\"bt\":");
    if (bn == MISSING || bs == MISSING) {
      JsonObject m;
      try {
        m = new JsonObject(text);
      } catch (RuntimeException e) {
        return;
      }
      Integer type = m.getInteger("Type");
      if (type != null && type == -1) {
        acct.rejected.incrementAndGet();
        System.err.println("[bench] error frame to user " + userId + ": " + text);
      }
      return;
    }
    boolean fresh;
    synchronized (this) {
      BitSet seen = bs < 0 ? inbox : groupSeen.computeIfAbsent((int) bs, k -> new BitSet());
      fresh = !seen.get((int) bn);
      if (fresh) {
        seen.set((int) bn);
      }
    }
    if (fresh) {
      acct.received.incrementAndGet();
      acct.lastReceiveNanos = now;
      if (bt != MISSING) {
        acct.latency((now - bt) / 1000);
      }
    } else {
      acct.duplicates.incrementAndGet();
    }
  }

  static final long MISSING = Long.MIN_VALUE;
  /** How protocol 2 acknowledgements start (the server writes Type first). */
  static final String ACK = "{\"Type\":\"ack\"";

  /** The integer right after {@code key} in {@code text}, or {@link #MISSING}. */
  static long numberAfter(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return MISSING;
    }
    int i = at + key.length();
    boolean negative = i < text.length() && text.charAt(i) == '-';
    if (negative) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < text.length() && digits < 19; i++, digits++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return digits == 0 ? MISSING : negative ? -value : value;
  }

  /** Messages of its inbox and groups this session never received. */
  synchronized long lost(Accounting acct) {
    long lost = acct.inbox.length > index ? acct.inbox[index].get() - inbox.cardinality() : 0;
    for (int g : groups) {
      BitSet seen = groupSeen.get(g);
      lost += acct.group[g].get() - (seen == null ? 0 : seen.cardinality());
    }
    return lost;
  }
}
