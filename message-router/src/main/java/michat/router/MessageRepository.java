package michat.router;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import michat.model.Conversations;
import michat.storage.Database;
import michat.storage.SqlErrors;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * All SQL of message-router: messages, per-conversation sequence numbers, delivery cursors. The same
 * statements run on MySQL/MariaDB and H2 (MySQL mode). Every write goes through
 * {@link Database#write} (a transaction; why: see there).
 */
public final class MessageRepository {
  private final Pool pool;

  public MessageRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * A stored message: server id, conversation, its sequence number, and {@code prev}: the sequence
   * number of the previous message of the conversation addressed to the same recipient(s) (0 for
   * none). Recipients' gateways use prev to notice a message they never got and fetch it.
   */
  public record Stored(long id, String conversation, long seq, long prev, String payload, boolean duplicate) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("conversation", conversation).put("seq", seq)
          .put("duplicate", duplicate);
    }
  }

  /**
   * Takes the conversation's next sequence number and stores the message, in one transaction. The
   * upsert locks the conversation's counter row until commit, so concurrent routers serialize per
   * conversation and ids grow in sequence order within a conversation.
   */
  public Future<Stored> store(String conversation, long senderId, ChatFrame f) {
    LocalDateTime now = now();
    return write(tx -> tx
        .preparedQuery("INSERT INTO conversation_seq (conversation, last_seq) VALUES (?, 1)"
            + " ON DUPLICATE KEY UPDATE last_seq = last_seq + 1")
        .execute(Tuple.of(conversation))
        .compose(r -> tx.preparedQuery("SELECT last_seq FROM conversation_seq WHERE conversation = ?")
            .execute(Tuple.of(conversation)))
        .map(rows -> rows.iterator().next().getLong("last_seq"))
        .compose(seq -> previousFor(tx, conversation, f, seq)
            .compose(prev -> tx.preparedQuery("INSERT INTO messages (conversation, seq, sender_id, target_id, msg_type,"
                    + " media, content, url, amount, client_msg_id, payload, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(Tuple.from(Arrays.asList(conversation, seq, senderId, f.targetId(), f.type(), f.media(),
                    f.content(), f.url(), f.amount(), f.clientMsgId(), f.payload(), now)))
                .compose(r -> tx.preparedQuery("SELECT id FROM messages WHERE conversation = ? AND seq = ?")
                    .execute(Tuple.of(conversation, seq)))
                .map(rows -> new Stored(rows.iterator().next().getLong("id"), conversation, seq, prev,
                    f.payload(), false)))))
        .recover(err -> f.clientMsgId() != null && SqlErrors.isDuplicate(err)
            ? findByClientId(senderId, f.clientMsgId()) : Future.failedFuture(err));
  }

  /**
   * A re-sent message (same sender, same client message id) is the one already stored: the whole
   * transaction above rolled back, sequence number included.
   */
  private Future<Stored> findByClientId(long senderId, String clientMsgId) {
    return pool.preparedQuery("SELECT id, conversation, seq, payload FROM messages WHERE sender_id = ? AND client_msg_id = ?")
        .execute(Tuple.of(senderId, clientMsgId))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Stored(r.getLong("id"), r.getString("conversation"), r.getLong("seq"), 0, r.getString("payload"), true);
        });
  }

  /**
   * Every group message goes to every member, so the previous one is seq - 1. In a private
   * conversation the recipient gets only what the other one sent: the previous message addressed
   * to the same target (the counter row is locked, so this cannot race with another insert).
   */
  private static Future<Long> previousFor(SqlConnection tx, String conversation, ChatFrame f, long seq) {
    if (f.type() == ChatFrame.GROUP) {
      return Future.succeededFuture(seq - 1);
    }
    return tx.preparedQuery("SELECT MAX(seq) AS prev FROM messages WHERE target_id = ? AND msg_type = "
            + ChatFrame.PRIVATE + " AND conversation = ? AND seq < ?")
        .execute(Tuple.of(f.targetId(), conversation, seq))
        .map(rows -> {
          Long prev = rows.iterator().next().getLong("prev");
          return prev == null ? 0L : prev;
        });
  }

  /**
   * Private messages addressed to the user after their cursor, and messages of the given group
   * conversations after theirs, oldest first, at most {@code limit}; each with {@code base}, the
   * cursor it follows. {@code resumed} replaces the saved cursor of the conversations it names (a
   * resuming client's own). Within a conversation ids grow with sequence numbers, so any prefix of
   * this list is complete per conversation.
   */
  public Future<JsonArray> missed(long userId, List<String> groupConversations, Map<String, Long> resumed, int limit) {
    String groups = groupConversations.isEmpty() ? ""
        : " OR (m.conversation IN (" + String.join(",", groupConversations.stream().map(c -> "?").toList()) + "))";
    StringBuilder base = new StringBuilder();
    Tuple params = Tuple.tuple();
    if (!resumed.isEmpty()) {
      base.append("CASE m.conversation");
      resumed.forEach((conversation, seq) -> {
        base.append(" WHEN ? THEN ?");
        params.addValue(conversation).addValue(seq);
      });
      base.append(" ELSE COALESCE(c.delivered_seq, 0) END");
    } else {
      base.append("COALESCE(c.delivered_seq, 0)");
    }
    // the CASE appears twice (selected and compared), so do its parameters
    Tuple all = Tuple.tuple();
    for (int i = 0; i < params.size(); i++) {
      all.addValue(params.getValue(i));
    }
    all.addValue(userId).addValue(userId);
    groupConversations.forEach(all::addValue);
    for (int i = 0; i < params.size(); i++) {
      all.addValue(params.getValue(i));
    }
    return pool.preparedQuery("SELECT m.id, m.conversation, m.seq, m.payload, " + base + " AS base"
            + " FROM messages m"
            + " LEFT JOIN delivery_cursors c ON c.user_id = ? AND c.conversation = m.conversation"
            + " WHERE ((m.target_id = ? AND m.msg_type = " + ChatFrame.PRIVATE + ")" + groups + ")"
            + " AND m.seq > " + base
            + " ORDER BY m.id LIMIT " + limit)
        .execute(all)
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            out.add(new JsonObject().put("conversation", r.getString("conversation"))
                .put("seq", r.getLong("seq")).put("base", r.getLong("base")).put("frame", r.getString("payload")));
          }
          return out;
        });
  }

  /**
   * Messages of one conversation addressed to the user with sequence numbers in (after, upto],
   * oldest first; {@code after} null means "after the user's saved cursor". For gap filling.
   */
  public Future<JsonObject> range(long userId, String conversation, Long after, long upto, int limit) {
    String addressed = Conversations.isGroup(conversation) ? ""
        : " AND m.target_id = ? AND m.msg_type = " + ChatFrame.PRIVATE;
    Future<Long> from = after != null ? Future.succeededFuture(after)
        : pool.preparedQuery("SELECT delivered_seq FROM delivery_cursors WHERE user_id = ? AND conversation = ?")
            .execute(Tuple.of(userId, conversation))
            .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("delivered_seq"));
    return from.compose(base -> {
      Tuple params = Tuple.of(conversation, base, upto);
      if (!addressed.isEmpty()) {
        params.addValue(userId);
      }
      return pool.preparedQuery("SELECT m.seq, m.payload FROM messages m WHERE m.conversation = ? AND m.seq > ?"
              + " AND m.seq <= ?" + addressed + " ORDER BY m.seq LIMIT " + limit)
          .execute(params)
          .map(rows -> {
            JsonArray out = new JsonArray();
            rows.forEach(r -> out.add(new JsonObject().put("seq", r.getLong("seq")).put("frame", r.getString("payload"))));
            return new JsonObject().put("base", base).put("messages", out).put("complete", out.size() < limit);
          });
    });
  }

  /** Moves cursors forward (never back). */
  public Future<Void> advanceCursors(long userId, Map<String, Long> cursors) {
    if (cursors.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    cursors.forEach((conversation, seq) -> batch.add(Tuple.of(userId, conversation, seq)));
    return write(tx -> tx.preparedQuery("INSERT INTO delivery_cursors (user_id, conversation, delivered_seq)"
            + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE delivered_seq = GREATEST(delivered_seq, VALUES(delivered_seq))")
        .executeBatch(batch).mapEmpty());
  }

  /** A new group member starts after the group's current last message (no backlog of older ones). */
  public Future<Void> startCursorAtEnd(long userId, String conversation) {
    return write(tx -> tx.preparedQuery("SELECT last_seq FROM conversation_seq WHERE conversation = ?")
        .execute(Tuple.of(conversation))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("last_seq"))
        .compose(last -> tx.preparedQuery("INSERT INTO delivery_cursors (user_id, conversation, delivered_seq)"
                + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE delivered_seq = GREATEST(delivered_seq, VALUES(delivered_seq))")
            .execute(Tuple.of(userId, conversation, last)))
        .mapEmpty());
  }

  /** The number of messages in a conversation (sequence numbers run 1..n without gaps). */
  public Future<Long> count(String conversation) {
    return pool.preparedQuery("SELECT last_seq FROM conversation_seq WHERE conversation = ?")
        .execute(Tuple.of(conversation))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("last_seq"));
  }

  /** Payloads with sequence numbers in [fromSeq, toSeq], newest first or oldest first. */
  public Future<JsonArray> page(String conversation, long fromSeq, long toSeq, boolean oldestFirst) {
    return pool.preparedQuery("SELECT payload FROM messages WHERE conversation = ? AND seq BETWEEN ? AND ?"
            + " ORDER BY seq " + (oldestFirst ? "ASC" : "DESC"))
        .execute(Tuple.of(conversation, fromSeq, toSeq))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(r.getString("payload")));
          return out;
        });
  }

  private <T> Future<T> write(Function<SqlConnection, Future<T>> work) {
    return Database.write(pool, work);
  }

  private static LocalDateTime now() {
    long ms = System.currentTimeMillis();
    return LocalDateTime.ofEpochSecond(ms / 1000, (int) (ms % 1000) * 1_000_000, ZoneOffset.UTC);
  }
}
