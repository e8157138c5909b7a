package michat.router;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPage;

/**
 * Reads stored messages as other services get them: the stream from the database (catch-up) and
 * history pages. The same statements on MySQL/MariaDB and H2.
 *
 * <p>Why catch-up holds back the newest messages: ids are handed out when a row is inserted, but
 * transactions commit in any order, so with several routers (or store transactions) a message with
 * a larger id can be visible before one with a smaller id commits. A catch-up that handed out the
 * larger id as its next position would skip the smaller one for good. So it stops at the first
 * message younger than {@code commitLagMs} (by its created_at, set when its transaction began):
 * every transaction that began before that has committed or failed by then, because a store
 * transaction without an answer within the storage call timeout is abandoned — the lag is that
 * timeout plus a margin. The newest seconds come on the live stream instead, which a consumer
 * subscribes to before it catches up (docs/event-bus.md). What escapes this: a transaction the
 * database commits after it stopped answering (a frozen database), which the live stream still
 * carries when it commits.
 */
final class StreamReader {
  private final Pool pool;
  private final long commitLagMs;

  StreamReader(Pool pool, long commitLagMs) {
    this.pool = pool;
    this.commitLagMs = commitLagMs;
  }

  /** Messages after id {@code afterId}, oldest first, at most {@code limit}, none younger than the lag. */
  Future<StreamPage> since(long afterId, int limit) {
    LocalDateTime settled = StreamRecords.utc(System.currentTimeMillis() - commitLagMs);
    return pool.preparedQuery("SELECT " + StreamRecords.COLUMNS + " FROM messages WHERE id > ? ORDER BY id LIMIT " + limit)
        .execute(Tuple.of(afterId))
        .map(rows -> {
          List<StoredMessage> out = new ArrayList<>(rows.size());
          long next = afterId;
          for (Row r : rows) {
            if (r.getLocalDateTime("created_at").isAfter(settled)) {
              break;   // not settled yet: nothing from here on, or an earlier id still committing would be skipped
            }
            out.add(StreamRecords.of(r));
            next = r.getLong("id");
          }
          return new StreamPage(out, StreamRecords.position(next), out.size() < limit);
        });
  }

  /** Messages of a conversation with sequence numbers in [fromSeq, toSeq], newest first or oldest first. */
  Future<List<StoredMessage>> page(String conversation, long fromSeq, long toSeq, boolean oldestFirst) {
    return pool.preparedQuery("SELECT " + StreamRecords.COLUMNS + " FROM messages WHERE conversation = ?"
            + " AND seq BETWEEN ? AND ? ORDER BY seq " + (oldestFirst ? "ASC" : "DESC"))
        .execute(Tuple.of(conversation, fromSeq, toSeq))
        .map(rows -> {
          List<StoredMessage> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(StreamRecords.of(r)));
          return out;
        });
  }
}
