package michat.router;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.Sequenced;
import michat.model.Conversations;

/**
 * Reads what was stored: what a user missed (catch-up), a conversation's range addressed to a user
 * (gap fill), history pages and counts. The same statements on MySQL/MariaDB and H2.
 */
public final class MessageReader {
  private final Pool pool;

  public MessageReader(Pool pool) {
    this.pool = pool;
  }

  /**
   * Private messages addressed to the user after their cursor, and messages of the given group
   * conversations after theirs, oldest first, at most {@code limit}; each with {@code base}, the
   * cursor it follows. {@code groupConversations} maps each group conversation to the user's join
   * point: nothing up to it is sent, whatever the cursor says. {@code resumed} replaces the saved
   * cursor of the conversations it names (a resuming client's own). Within a conversation ids grow
   * with sequence numbers, so any prefix of this list is complete per conversation.
   */
  public Future<List<Missed>> missed(long userId, Map<String, Long> groupConversations, Map<String, Long> resumed, int limit) {
    String groups = groupConversations.isEmpty() ? ""
        : " OR (m.conversation IN (" + String.join(",", groupConversations.keySet().stream().map(c -> "?").toList()) + "))";
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
    Map<String, Long> joined = new HashMap<>(groupConversations);
    joined.values().removeIf(seq -> seq <= 0);
    if (!joined.isEmpty()) {
      // a missing or older cursor (a resuming client's 0, a cursor never saved) never reaches before the join
      base.insert(0, "GREATEST(").append(", CASE m.conversation");
      joined.forEach((conversation, seq) -> {
        base.append(" WHEN ? THEN ?");
        params.addValue(conversation).addValue(seq);
      });
      base.append(" ELSE 0 END)");
    }
    // the base expression appears twice (selected and compared), so do its parameters
    Tuple all = Tuple.tuple();
    for (int i = 0; i < params.size(); i++) {
      all.addValue(params.getValue(i));
    }
    all.addValue(userId).addValue(userId);
    groupConversations.keySet().forEach(all::addValue);
    for (int i = 0; i < params.size(); i++) {
      all.addValue(params.getValue(i));
    }
    return pool.preparedQuery("SELECT m.id, m.conversation, m.seq, m.payload, " + base + " AS base"
            + " FROM messages m"
            + " LEFT JOIN delivery_cursors c ON c.user_id = ? AND c.conversation = m.conversation"
            + " WHERE ((m.target_id = ? AND m.msg_type = " + ChatMessage.PRIVATE + ")" + groups + ")"
            + " AND m.seq > " + base
            + " ORDER BY m.id LIMIT " + limit)
        .execute(all)
        .map(rows -> {
          List<Missed> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(new Missed(r.getString("conversation"), r.getLong("seq"), r.getLong("base"), r.getString("payload")));
          }
          return out;
        });
  }

  /**
   * Messages of one conversation addressed to the user with sequence numbers in (after, upto],
   * oldest first; {@code after} null means "after the user's saved cursor", and never at or before
   * {@code floor} (a group member's join point). For gap filling.
   */
  public Future<Range> range(long userId, String conversation, Long after, long floor, long upto, int limit) {
    String addressed = Conversations.isGroup(conversation) ? ""
        : " AND m.target_id = ? AND m.msg_type = " + ChatMessage.PRIVATE;
    Future<Long> from = after != null ? Future.succeededFuture(after)
        : pool.preparedQuery("SELECT delivered_seq FROM delivery_cursors WHERE user_id = ? AND conversation = ?")
            .execute(Tuple.of(userId, conversation))
            .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("delivered_seq"));
    return from.map(f -> Math.max(f, floor)).compose(base -> {
      Tuple params = Tuple.of(conversation, base, upto);
      if (!addressed.isEmpty()) {
        params.addValue(userId);
      }
      return pool.preparedQuery("SELECT m.seq, m.payload FROM messages m WHERE m.conversation = ? AND m.seq > ?"
              + " AND m.seq <= ?" + addressed + " ORDER BY m.seq LIMIT " + limit)
          .execute(params)
          .map(rows -> {
            List<Sequenced> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(new Sequenced(r.getLong("seq"), r.getString("payload"))));
            return new Range(base, out, out.size() < limit);
          });
    });
  }

  /** The number of messages in a conversation (sequence numbers run 1..n without gaps). */
  public Future<Long> count(String conversation) {
    return pool.preparedQuery("SELECT last_seq FROM conversation_seq WHERE conversation = ?")
        .execute(Tuple.of(conversation))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("last_seq"));
  }

  /** Payloads with sequence numbers in [fromSeq, toSeq], newest first or oldest first. */
  public Future<List<String>> page(String conversation, long fromSeq, long toSeq, boolean oldestFirst) {
    return pool.preparedQuery("SELECT payload FROM messages WHERE conversation = ? AND seq BETWEEN ? AND ?"
            + " ORDER BY seq " + (oldestFirst ? "ASC" : "DESC"))
        .execute(Tuple.of(conversation, fromSeq, toSeq))
        .map(rows -> {
          List<String> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(r.getString("payload")));
          return out;
        });
  }
}
