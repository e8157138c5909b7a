package michat.router;

import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Outcome;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.Sequenced;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import michat.model.Conversations;
import michat.storage.CommitUnknown;
import michat.storage.Database;
import michat.storage.SqlBatches;
import michat.storage.SqlErrors;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Stores messages: each batch numbered per conversation and written in one transaction (through
 * {@link Database#write}: why, see there). The same statements run on MySQL/MariaDB and H2 (MySQL
 * mode). Reading is {@link MessageReader}'s, delivery cursors are {@link DeliveryCursors}'. The
 * tables and why they are shaped so: V7__messages_by_conversation.sql and docs/benchmarks.md.
 */
public final class MessageRepository {
  /**
   * The conversation_seq row that counts positions in the stream of all messages ({@code messages.pos}):
   * '' is no conversation's name, and it sorts before every one, so taking it with the batch's
   * counters keeps the one lock order.
   */
  static final String STREAM_COUNTER = "";

  // The statements of a batch (their texts per row count are built once: SqlBatches.MultiRow).
  private static final SqlBatches.MultiRow INSERT_MESSAGES = SqlBatches.multiRow("INSERT INTO messages (conversation,"
      + " seq, pos, sender_id, target_id, msg_type, media, client_msg_id, payload, created_at) VALUES ",
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  // IGNORE (a duplicate key skips the row) rather than ON DUPLICATE KEY UPDATE, which H2 runs as one
  // separately prepared update per row
  private static final SqlBatches.MultiRow INSERT_PARTICIPANTS = SqlBatches.multiRow(
      "INSERT IGNORE INTO delivery_cursors (user_id, conversation, delivered_seq) VALUES ", "(?, ?, ?)");
  private static final SqlBatches.SelectIn LOCK_COUNTERS = SqlBatches.selectIn("SELECT conversation, last_seq,"
      + " last_to_low, last_to_high FROM conversation_seq WHERE conversation IN ", " FOR UPDATE");
  /** MySQL's multi-row upsert. */
  private static final SqlBatches.MultiRow UPSERT_COUNTERS = SqlBatches.multiRow("INSERT INTO conversation_seq"
      + " (conversation, last_seq, last_to_low, last_to_high) VALUES ", "(?, ?, ?, ?)", " ON DUPLICATE KEY UPDATE"
      + " last_seq = VALUES(last_seq), last_to_low = VALUES(last_to_low), last_to_high = VALUES(last_to_high)");
  /** H2's MERGE: H2 runs ON DUPLICATE KEY UPDATE as a separately prepared update per row. */
  private static final SqlBatches.MultiRow MERGE_COUNTERS_H2 = SqlBatches.multiRow("MERGE INTO conversation_seq"
      + " (conversation, last_seq, last_to_low, last_to_high) KEY (conversation) VALUES ", "(?, ?, ?, ?)");
  private final Pool pool;
  /** H2 (embedded) rather than MySQL/MariaDB: the one statement whose fast form differs, see saveCounters. */
  private final boolean h2;

  public MessageRepository(Pool pool, boolean h2) {
    this.pool = pool;
    this.h2 = h2;
  }

  /**
   * A stored message: server id, conversation, its sequence number, and {@code prev}: the sequence
   * number of the previous message of the conversation addressed to the same recipient(s) (0 for
   * none). Recipients' gateways use prev to notice a message they never got and fetch it.
   * {@code createdAt}: its created_at (epoch ms; 0 for a duplicate, which is not published again).
   *
   * <p>The server id is the message's stream position ({@code messages.pos}): the v2 ack's {@code id}
   * and the v1 stream's {@code StreamPosition}. There is no surrogate key any more; the position is
   * handed out per batch from {@link #STREAM_COUNTER}, locked in the store transaction, so it only
   * grows, a duplicate gets the stored one back, and positions become visible in the order they were
   * handed out (the next batch waits for the lock until this one committed).
   */
  public record Stored(long id, String conversation, long seq, long prev, String payload, boolean duplicate,
                       long createdAt) {
    public Outcome toOutcome() {
      return Outcome.stored(id, conversation, seq, duplicate);
    }
  }

  /** A message to store: its conversation, authenticated sender and validated frame. */
  public record NewMessage(String conversation, long senderId, ChatMessage message) {
    String clientKey() {
      return message.clientMsgId() == null ? null : senderId + "\u0000" + message.clientMsgId();
    }
  }

  /**
   * Stores a batch of messages in one transaction and returns them in the same order. Per
   * conversation the batch takes a block of sequence numbers from the counter row, and a block of
   * stream positions from {@link #STREAM_COUNTER}, read with a lock (rows locked in key order, so
   * concurrent batches of several routers serialize without deadlocking); messages with a (sender,
   * clientMsgId) already stored — or twice in the batch — come back as that message with
   * {@code duplicate} set. Round trips per batch, not per message: begin; counters locked; the rows,
   * the counters and (for a new private conversation) its participants' cursor rows, sent together;
   * commit — and, only after a refused re-send, the client id check.
   *
   * <p>Client ids are checked optimistically: re-sends are rare (a client that lost its connection
   * before the acknowledgement), so the first attempt does not look them up and lets the unique key
   * (sender, clientMsgId) refuse a repeat; only then is the batch stored again with the lookup. That
   * spares every batch a query of one point lookup per message.
   */
  public Future<List<Stored>> storeBatch(List<NewMessage> batch) {
    return storeBatch(batch, 3, false);
  }

  private Future<List<Stored>> storeBatch(List<NewMessage> batch, int attempts, boolean lookUpClientIds) {
    long now = System.currentTimeMillis();
    return write(tx -> (lookUpClientIds ? alreadyStored(tx, batch) : Future.succeededFuture(Map.<String, Stored>of()))
            .compose(known -> storeFresh(tx, batch, known, now)))
        // A client id stored before, or another batch took the same client id or a conflicting lock
        // first: the whole transaction rolled back, sequence numbers included; the retry looks the
        // client ids up and sees what is stored.
        .recover(err -> {
          if (err instanceof CommitUnknown) {
            return Future.failedFuture(err);   // perhaps stored: a retry could store it twice
          }
          boolean duplicate = SqlErrors.isDuplicate(err);
          return attempts > 1 && (duplicate || SqlErrors.isTransient(err))
              ? storeBatch(batch, attempts - 1, lookUpClientIds || duplicate) : Future.failedFuture(err);
        });
  }

  /** Messages of this batch already stored under their (sender, clientMsgId), by client key. */
  private static Future<Map<String, Stored>> alreadyStored(SqlConnection tx, List<NewMessage> batch) {
    List<NewMessage> withIds = batch.stream().filter(m -> m.clientKey() != null).toList();
    if (withIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    // One point lookup of the unique key per message, as a UNION ALL: an IN list per column makes H2
    // scan each sender's whole history, and an OR of pairs makes it scan the table.
    int n = SqlBatches.roundUp(withIds.size());
    Tuple params = Tuple.tuple();
    for (int i = 0; i < n; i++) {
      NewMessage m = withIds.get(Math.min(i, withIds.size() - 1));   // padded: repeats are harmless
      params.addValue(m.senderId()).addValue(m.message().clientMsgId());
    }
    return tx.preparedQuery(SqlBatches.repeat("SELECT pos, conversation, seq, payload, sender_id, client_msg_id"
            + " FROM messages WHERE sender_id = ? AND client_msg_id = ?", " UNION ALL ", n))
        .execute(params)
        .map(rows -> {
          Map<String, Stored> found = new HashMap<>();
          for (Row r : rows) {
            found.put(r.getLong("sender_id") + "\u0000" + r.getString("client_msg_id"), new Stored(r.getLong("pos"),
                r.getString("conversation"), r.getLong("seq"), 0, r.getString("payload"), true, 0));
          }
          return found;
        });
  }

  /** Sequence state of one conversation while a batch is numbered. */
  private static final class Counter {
    final String conversation;
    int count;
    long next;
    long lastToLow;
    long lastToHigh;
    /** No row yet: the conversation begins with this batch. */
    boolean isNew;

    Counter(String conversation) {
      this.conversation = conversation;
    }
  }

  private Future<List<Stored>> storeFresh(SqlConnection tx, List<NewMessage> batch, Map<String, Stored> known,
                                                 long now) {
    Stored[] out = new Stored[batch.size()];
    int[] sameAs = new int[batch.size()];
    Arrays.fill(sameAs, -1);
    List<Integer> fresh = new ArrayList<>();
    Map<String, Integer> firstWithKey = new HashMap<>();
    TreeMap<String, Counter> counters = new TreeMap<>();   // sorted: the lock order
    for (int i = 0; i < batch.size(); i++) {
      NewMessage m = batch.get(i);
      String key = m.clientKey();
      if (key != null && known.containsKey(key)) {
        out[i] = known.get(key);
      } else if (key != null && firstWithKey.containsKey(key)) {
        sameAs[i] = firstWithKey.get(key);
      } else {
        if (key != null) {
          firstWithKey.put(key, i);
        }
        fresh.add(i);
        counters.computeIfAbsent(m.conversation(), Counter::new).count++;
      }
    }
    if (fresh.isEmpty()) {
      return Future.succeededFuture(finish(out, sameAs));
    }
    counters.computeIfAbsent(STREAM_COUNTER, Counter::new).count = fresh.size();
    List<Counter> ordered = new ArrayList<>(counters.values());
    return lockCounters(tx, ordered)
        .compose(v -> {
          // Sent together, answered together: one round trip (see SqlBatches.MultiRow.insert).
          Future<Void> rows = insert(tx, batch, fresh, counters, out, now);
          Future<Void> saved = saveCounters(tx, ordered);
          Future<Void> members = addParticipants(tx, ordered);
          return Future.all(rows, saved, members);
        })
        .map(v -> finish(out, sameAs));
  }

  /** Numbers the batch's new messages (sequence number and stream position) and inserts them. */
  private static Future<Void> insert(SqlConnection tx, List<NewMessage> batch, List<Integer> fresh,
                                     Map<String, Counter> counters, Stored[] out, long now) {
    LocalDateTime createdAt = utc(now);
    Counter stream = counters.get(STREAM_COUNTER);
    List<Tuple> rows = new ArrayList<>();
    for (int i : fresh) {
      NewMessage m = batch.get(i);
      Counter c = counters.get(m.conversation());
      long seq = c.next++;
      long pos = stream.next++;
      long prev = previousAndAdvance(c, m, seq);
      ChatMessage f = m.message();
      out[i] = new Stored(pos, m.conversation(), seq, prev, f.payload(), false, now);
      rows.add(Tuple.from(Arrays.asList(m.conversation(), seq, pos, m.senderId(), f.targetId(), f.type(), f.media(),
          f.clientMsgId(), f.payload(), createdAt)));
    }
    return INSERT_MESSAGES.insert(tx, rows);
  }

  /**
   * A private conversation's first batch gives both participants a cursor row (nothing delivered
   * yet): catch-up finds a user's private conversations there, instead of in an index of every
   * message by recipient. A row that exists already (a cursor saved before) is left as it is.
   */
  private static Future<Void> addParticipants(SqlConnection tx, List<Counter> counters) {
    List<Tuple> rows = new ArrayList<>();
    for (Counter c : counters) {
      if (c.isNew && c.conversation.startsWith("p:")) {
        long low = Conversations.lowParticipant(c.conversation);
        long high = Conversations.highParticipant(c.conversation);
        rows.add(Tuple.of(low, c.conversation, 0L));
        if (high != low) {
          rows.add(Tuple.of(high, c.conversation, 0L));
        }
      }
    }
    return rows.isEmpty() ? Future.succeededFuture() : INSERT_PARTICIPANTS.insert(tx, rows);
  }

  /** Copies for in-batch repeats of a client id. */
  private static List<Stored> finish(Stored[] out, int[] sameAs) {
    for (int i = 0; i < out.length; i++) {
      if (sameAs[i] >= 0) {
        Stored first = out[sameAs[i]];
        out[i] = new Stored(first.id(), first.conversation(), first.seq(), first.prev(), first.payload(), true, 0);
      }
    }
    return Arrays.asList(out);
  }

  /**
   * Reads and locks the counter rows of the batch's conversations and the stream counter (in key
   * order, as every batch does: no deadlocks); the batch's blocks of numbers start after last_seq (0
   * for a conversation without a row yet).
   */
  private static Future<Void> lockCounters(SqlConnection tx, List<Counter> counters) {
    return LOCK_COUNTERS.select(tx, counters.stream().map(c -> (Object) c.conversation).toList())
        .map(found -> {
          Map<String, Row> byConversation = new HashMap<>();
          found.forEach(r -> byConversation.put(r.getString("conversation"), r));
          for (Counter c : counters) {
            Row r = byConversation.get(c.conversation);
            c.isNew = r == null;
            c.next = r == null ? 1 : r.getLong("last_seq") + 1;
            c.lastToLow = r == null ? 0 : r.getLong("last_to_low");
            c.lastToHigh = r == null ? 0 : r.getLong("last_to_high");
          }
          return null;
        });
  }

  /**
   * Writes the counters back after numbering, in one multi-row statement (two for a batch whose size
   * is not a multiple of 16 above 16: SqlBatches.chunk): MySQL's
   * multi-row upsert, H2's MERGE (H2 runs ON DUPLICATE KEY UPDATE as a separately prepared update
   * per row). A row created meanwhile by another router cannot happen unnoticed: that router's
   * messages took the same sequence numbers (or stream positions), and one of the two batches fails on
   * the messages' primary or unique key and is retried.
   */
  private Future<Void> saveCounters(SqlConnection tx, List<Counter> counters) {
    List<Tuple> rows = counters.stream()
        .map(c -> Tuple.of(c.conversation, c.next - 1, c.lastToLow, c.lastToHigh)).toList();
    return (h2 ? MERGE_COUNTERS_H2 : UPSERT_COUNTERS).insert(tx, rows);
  }

  /**
   * The previous message addressed to the same recipient(s): every group message goes to every
   * member, so seq - 1; in a private conversation the recipient gets only what the other one sent,
   * tracked per side of {@code p:<low>:<high>}.
   */
  private static long previousAndAdvance(Counter c, NewMessage m, long seq) {
    if (m.message().type() == ChatMessage.GROUP) {
      return seq - 1;
    }
    long target = m.message().targetId();
    boolean toLow = target == Conversations.lowParticipant(c.conversation);
    boolean toHigh = target == Conversations.highParticipant(c.conversation);
    long prev = toLow ? c.lastToLow : c.lastToHigh;
    if (toLow) {
      c.lastToLow = seq;
    }
    if (toHigh) {
      c.lastToHigh = seq;
    }
    return prev;
  }

  /** How created_at is stored: UTC, to the millisecond. */
  static LocalDateTime utc(long epochMs) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMs, 1000), (int) Math.floorMod(epochMs, 1000) * 1_000_000,
        ZoneOffset.UTC);
  }

  private <T> Future<T> write(Function<SqlConnection, Future<T>> work) {
    return Database.write(pool, work);
  }
}
