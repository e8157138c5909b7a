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
    long now = System.nanoTime();
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
      return;
    }
    Long bn = m.getLong("bn");
    Integer bs = m.getInteger("bs");
    Long bt = m.getLong("bt");
    if (bn == null || bs == null) {
      return;
    }
    boolean fresh;
    synchronized (this) {
      BitSet seen = bs < 0 ? inbox : groupSeen.computeIfAbsent(bs, k -> new BitSet());
      fresh = !seen.get(bn.intValue());
      if (fresh) {
        seen.set(bn.intValue());
      }
    }
    if (fresh) {
      acct.received.incrementAndGet();
      acct.lastReceiveNanos = now;
      if (bt != null) {
        acct.latency((now - bt) / 1000);
      }
    } else {
      acct.duplicates.incrementAndGet();
    }
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
