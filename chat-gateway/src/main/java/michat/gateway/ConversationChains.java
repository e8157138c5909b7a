package michat.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.Sequenced;
import michat.metrics.MichatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's chat messages, delivered once and in order per conversation. Each delivery names the
 * previous message addressed to this user in its conversation ({@code prev}); the chain knows up to
 * where it has everything ({@code last}). A message whose prev is beyond that reveals a gap — one that
 * was never pushed, or is overtaken by a later one handled by another router — and the gap is fetched
 * from the router ({@link ChatSession.GapFiller}) before the message is shown. The saved cursor is
 * {@code last}, so a message that never arrived is never skipped by the next catch-up. Live messages
 * that arrive while the offline backlog is being fetched wait for it.
 */
final class ConversationChains {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationChains.class);

  private record Delivery(String conversation, long seq, long prev, String frame) {}

  /** Delivery state of one conversation. */
  private static final class Chain {
    /** Everything addressed to the user up to here has been sent; null until known. */
    Long last;
    /**
     * Sent although beyond {@code last} — messages shown past a gap that could not be fetched — so
     * never sent twice; created only when needed.
     */
    RecentSeqs ahead;
    /**
     * v2: copies of the user's own messages sent, so never sent twice. Apart from {@code ahead}: they
     * are never addressed to this user, and a long run of them would push out what was sent ahead and
     * make an older message fetched for a gap look sent.
     */
    RecentSeqs copies;

    boolean sentAhead(long seq) {
      return ahead != null && ahead.contains(seq);
    }

    boolean markAhead(long seq) {
      if (ahead == null) {
        ahead = new RecentSeqs();
      }
      return ahead.add(seq);
    }

    boolean markCopy(long seq) {
      if (copies == null) {
        copies = new RecentSeqs();
      }
      return copies.add(seq);
    }
    /** Live messages beyond a gap, by sequence number, until the gap is filled. */
    final TreeMap<Long, Delivery> waiting = new TreeMap<>();
    boolean filling;
    /** v2: up to where the client acknowledged (delivered receipts). */
    long acked;
  }

  private final long userId;
  private final boolean v2;
  private final ChatSession.GapFiller filler;
  private final MichatMetrics metrics;
  /** Writes a frame to the session. */
  private final Consumer<String> send;
  /** Whether the session has closed: nothing more is fetched or sent then. */
  private final BooleanSupplier closed;
  private final Map<String, Chain> chains = new HashMap<>();
  private final Map<String, Long> unflushed = new HashMap<>();
  private List<Delivery> heldForCatchUp = new ArrayList<>();
  /** No backlog: a conversation's chain starts at its first live message, what came before is history. */
  private boolean liveOnly;

  ConversationChains(long userId, boolean v2, ChatSession.GapFiller filler, MichatMetrics metrics, Consumer<String> send,
                     BooleanSupplier closed) {
    this.userId = userId;
    this.v2 = v2;
    this.filler = filler;
    this.metrics = metrics;
    this.send = send;
    this.closed = closed;
  }

  /** A chat message pushed live by a router. */
  void deliver(String conversation, long seq, long prev, String frame) {
    if (heldForCatchUp != null) {
      heldForCatchUp.add(new Delivery(conversation, seq, prev, frame));
      return;
    }
    Chain c = chains.computeIfAbsent(conversation, k -> new Chain());
    // At or below last: sent already, or (after a resume) held by the client already.
    if ((c.last != null && seq <= c.last) || c.sentAhead(seq)) {
      return;
    }
    if (c.last == null && (prev == 0 || liveOnly)) {
      c.last = prev;   // the first message ever addressed to this user here, or the first live one: nothing to fetch
    }
    if (c.last != null && prev <= c.last && c.waiting.isEmpty()) {
      sendInChain(c, conversation, seq, frame);
      return;
    }
    c.waiting.put(seq, new Delivery(conversation, seq, prev, frame));
    continueChain(c, conversation);
  }

  /**
   * v2: a copy of a message this user sent from another session. It is not addressed to this user,
   * so it stays out of the delivery chain and the cursor; only repeats are dropped.
   */
  void deliverCopy(String conversation, long seq, String frame) {
    if (heldForCatchUp != null) {
      return;   // live only: the sending device has it, history has it
    }
    if (chains.computeIfAbsent(conversation, k -> new Chain()).markCopy(seq)) {
      send.accept(Frames.copy(conversation, seq, frame));
    }
  }

  /**
   * The offline backlog, oldest first, each with the cursor it follows; then what arrived meanwhile.
   * {@code resumed}: the cursors a v2 client said it holds (docs/protocol.md, "Resuming"); they start
   * their conversations' chains, so gap fills also start from what the client has.
   */
  void finishCatchUp(List<Missed> backlog, Map<String, Long> resumed) {
    List<Delivery> held = heldForCatchUp;
    heldForCatchUp = null;
    resumed.forEach((conversation, seq) -> chains.computeIfAbsent(conversation, k -> new Chain()).last = seq);
    for (Missed m : backlog) {
      Chain c = chains.computeIfAbsent(m.conversation(), k -> new Chain());
      if (c.last == null) {
        c.last = m.base();
      }
      sendInChain(c, m.conversation(), m.seq(), m.frame());
    }
    held.forEach(d -> deliver(d.conversation, d.seq, d.prev, d.frame));
  }

  /** Starts without a backlog: then what arrived meanwhile, each conversation from its first live message. */
  void startLive() {
    liveOnly = true;
    finishCatchUp(List.of(), Map.of());
  }

  private void sendInChain(Chain c, String conversation, long seq, String frame) {
    if (c.last != null && seq <= c.last) {
      return;   // sent already (everything up to last has been)
    }
    if (!c.sentAhead(seq)) {
      send.accept(messageFrame(conversation, seq, frame));
      metrics.framesOut.increment();
    }
    c.last = seq;
    if (!v2) {
      unflushed.put(conversation, seq);   // v1 has no acknowledgements: sent counts as delivered
    }
  }

  /**
   * v2: the client has every message of the conversation addressed to it up to {@code seq} (its
   * {@code delivered} receipt). That, never beyond what this session sent, is the cursor to save: a
   * frame lost with a dying connection is sent again on the next connect.
   */
  void acknowledge(String conversation, long seq) {
    Chain c = chains.get(conversation);
    if (c == null || c.last == null) {
      return;
    }
    long upto = Math.min(seq, c.last);
    if (upto > c.acked) {
      c.acked = upto;
      unflushed.put(conversation, upto);
    }
  }

  /** Sends what waits in order while it follows on; fetches the next gap when one is in the way. */
  private void continueChain(Chain c, String conversation) {
    while (!c.waiting.isEmpty()) {
      Delivery next = c.waiting.firstEntry().getValue();
      if (c.last != null && next.prev <= c.last) {
        c.waiting.pollFirstEntry();
        sendInChain(c, conversation, next.seq, next.frame);
      } else {
        if (!c.filling) {
          fill(c, conversation);
        }
        return;
      }
    }
  }

  /**
   * Fetches a gap — after a short grace: the missing message is usually a push that another router
   * (or another batch) sent a moment later, and then nothing needs fetching.
   */
  private void fill(Chain c, String conversation) {
    c.filling = true;
    filler.waitForLatePush().onComplete(v -> {
      if (closed.getAsBoolean()) {
        return;
      }
      Delivery next = c.waiting.isEmpty() ? null : c.waiting.firstEntry().getValue();
      if (next == null || (c.last != null && next.prev <= c.last)) {
        c.filling = false;   // the late push arrived meanwhile
        continueChain(c, conversation);
      } else {
        fetch(c, conversation, next.prev);
      }
    });
  }

  private void fetch(Chain c, String conversation, long upto) {
    filler.fill(conversation, c.last, upto).onComplete(ar -> {
      c.filling = false;
      if (closed.getAsBoolean()) {
        return;
      }
      if (ar.failed()) {
        // Show what waits rather than hold it; last stays before the gap, so the saved cursor does
        // too and the next catch-up (or the next gap check) brings what is missing.
        OutageLog.warnUnlessOutage(LOG, ar.cause(), "gap in {} for user {} not filled now: {}", conversation, userId,
            ar.cause().getMessage());
        c.waiting.values().forEach(d -> {
          if (c.markAhead(d.seq)) {
            send.accept(messageFrame(conversation, d.seq, d.frame));
            metrics.framesOut.increment();
          }
        });
        c.waiting.clear();
        return;
      }
      Range reply = ar.result();
      if (c.last == null) {
        c.last = reply.base();
      }
      for (Sequenced m : reply.messages()) {
        sendInChain(c, conversation, m.seq(), m.frame());
      }
      // A complete answer means nothing else addressed to this user exists up to 'upto'; a page that
      // stopped short leaves last at its end, and continueChain asks for the rest.
      if (reply.complete() && c.last < upto) {
        c.last = upto;
        if (!v2) {
          unflushed.put(conversation, upto);
        }
      }
      continueChain(c, conversation);
    });
  }

  /** v1: the sender's JSON as sent; v2: wrapped with its conversation and sequence number. */
  private String messageFrame(String conversation, long seq, String payload) {
    return v2 ? Frames.message(conversation, seq, payload) : payload;
  }

  /** Cursors advanced since the last call, to persist. */
  Map<String, Long> takeCursors() {
    Map<String, Long> out = new HashMap<>(unflushed);
    unflushed.clear();
    return out;
  }

  /** The sequence numbers sent lately in one conversation, bounded. */
  private static final class RecentSeqs {
    private static final int KEEP = 1024;
    private final TreeSet<Long> seqs = new TreeSet<>();

    boolean contains(long seq) {
      return seqs.contains(seq) || (seqs.size() >= KEEP && seq < seqs.first());
    }

    /** False when already sent (or older than everything remembered). */
    boolean add(long seq) {
      if (contains(seq)) {
        return false;
      }
      seqs.add(seq);
      if (seqs.size() > KEEP) {
        seqs.pollFirst();
      }
      return true;
    }
  }
}
