package michat.router;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.Sequenced;
import michat.model.Conversations;
import michat.storage.SqlBatches;

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
   * cursor of the conversations it names (a resuming client's own). Within a conversation stream
   * positions grow with sequence numbers, so any prefix of this list is complete per conversation.
   *
   * <p>Two steps on one connection, no index by recipient: where each conversation starts (the
   * user's cursor rows — every participant of a private conversation has one — with the counters,
   * which say whether anything after the cursor is addressed to the user), then one range of the
   * clustered key (conversation, seq) per conversation that has something, in one statement (or a
   * few, sent together).
   */
  public Future<List<Missed>> missed(long userId, Map<String, Long> groupConversations, Map<String, Long> resumed, int limit) {
    return pool.withConnection(conn -> starts(conn, userId, groupConversations, resumed)
        .compose(starts -> read(conn, starts, limit)));
  }

  /**
   * Where catch-up starts in a conversation (after {@code base}), where it ends ({@code upto}), and
   * the target_id of what the user gets there: the user in a private conversation (whose other
   * messages are the user's own), the group in a group conversation (all of its messages).
   */
  private record Start(String conversation, long base, long upto, long target) {}

  /** Conversations per catch-up statement (a UNION ALL of key ranges), padded to a power of two. */
  private static final int RANGES_PER_STATEMENT = 64;

  /** The conversations with something for the user after the cursor (or resumed point, or join point). */
  private static Future<List<Start>> starts(SqlConnection conn, long userId, Map<String, Long> groupConversations,
                                            Map<String, Long> resumed) {
    Tuple params = Tuple.of(userId);
    String sql = "SELECT s.conversation, s.last_seq, s.last_to_low, s.last_to_high, c.delivered_seq"
        + " FROM delivery_cursors c JOIN conversation_seq s ON s.conversation = c.conversation"
        + " WHERE c.user_id = ? AND c.conversation LIKE 'p:%'";
    if (!groupConversations.isEmpty()) {
      sql += " UNION ALL SELECT s.conversation, s.last_seq, 0, 0, COALESCE(c.delivered_seq, 0)"
          + " FROM conversation_seq s LEFT JOIN delivery_cursors c ON c.user_id = ? AND c.conversation = s.conversation"
          + " WHERE s.conversation IN " + SqlBatches.inList(groupConversations.size());
      params.addValue(userId);
      SqlBatches.inParams(params, List.copyOf(groupConversations.keySet()));
    }
    return conn.preparedQuery(sql).execute(params).map(rows -> {
      List<Start> out = new ArrayList<>();
      for (Row r : rows) {
        String conversation = r.getString(0);
        if (!Conversations.isWellFormed(conversation)) {
          continue;   // a cursor saved under a name no message has cannot hold anything missed
        }
        long base = resumed.getOrDefault(conversation, r.getLong(4));
        long upto;
        long target = userId;
        if (Conversations.isGroup(conversation)) {
          base = Math.max(base, groupConversations.getOrDefault(conversation, 0L));
          upto = r.getLong(1);
          target = Conversations.groupId(conversation);
        } else {
          // the last message addressed to this user (both sides for a note to oneself)
          upto = Math.max(userId == Conversations.lowParticipant(conversation) ? r.getLong(2) : 0,
              userId == Conversations.highParticipant(conversation) ? r.getLong(3) : 0);
        }
        if (upto > base) {
          out.add(new Start(conversation, base, upto, target));
        }
      }
      return out;
    });
  }

  /** A missed message with its stream position, which orders catch-up across conversations. */
  private record Positioned(long pos, Missed missed) {}

  /**
   * Each conversation's range, at most {@code limit} from each, merged in stream order and cut at
   * {@code limit}. The ranges go in statements of up to {@link #RANGES_PER_STATEMENT}, sent without
   * waiting for each other (MySQL pipelining): one round trip for most catch-ups, a handful of
   * statement texts for the prepared-statement caches (padding ranges are empty).
   */
  private static Future<List<Missed>> read(SqlConnection conn, List<Start> starts, int limit) {
    Map<String, Long> bases = new HashMap<>();
    starts.forEach(s -> bases.put(s.conversation(), s.base()));
    String range = "(SELECT conversation, seq, pos, payload FROM messages WHERE conversation = ? AND seq > ? AND seq <= ?"
        + " AND target_id = ? ORDER BY seq LIMIT " + limit + ")";
    List<Future<List<Positioned>>> reads = new ArrayList<>();
    for (int from = 0; from < starts.size(); from += RANGES_PER_STATEMENT) {
      List<Start> chunk = starts.subList(from, Math.min(starts.size(), from + RANGES_PER_STATEMENT));
      int n = SqlBatches.roundUp(chunk.size());
      Tuple params = Tuple.tuple();
      for (int i = 0; i < n; i++) {
        Start s = i < chunk.size() ? chunk.get(i) : new Start(chunk.get(0).conversation(), 0, 0, 0);   // empty
        params.addValue(s.conversation()).addValue(s.base()).addValue(s.upto()).addValue(s.target());
      }
      reads.add(conn.preparedQuery(SqlBatches.repeat(range, " UNION ALL ", n)).execute(params).map(rows -> {
        List<Positioned> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
          String conversation = r.getString("conversation");
          out.add(new Positioned(r.getLong("pos"),
              new Missed(conversation, r.getLong("seq"), bases.get(conversation), r.getString("payload"))));
        }
        return out;
      }));
    }
    return Future.all(reads).map(done -> reads.stream()
        .flatMap(f -> f.result().stream())
        .sorted(Comparator.comparingLong(Positioned::pos))
        .limit(limit)
        .map(Positioned::missed)
        .toList());
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
