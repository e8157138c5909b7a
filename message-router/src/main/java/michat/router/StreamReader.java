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
 * <p>Why catch-up holds back the newest messages: a catch-up that handed out a larger position as its
 * next one while a smaller one was still committing would skip the smaller one for good. Until schema
 * V7 that happened (ids were handed out as rows were inserted, transactions commit in any order). So
 * it stops at the first message younger than {@code commitLagMs} (by its created_at, set when its
 * transaction began): every transaction that began before that has committed or failed by then,
 * because a store transaction without an answer within the storage call timeout is abandoned — the
 * lag is that timeout plus a margin. The newest seconds come on the live stream instead, which a
 * consumer subscribes to before it catches up (docs/event-bus.md). What escapes this: a transaction
 * the database commits after it stopped answering (a frozen database), which the live stream still
 * carries when it commits. Since V7 a batch takes its positions ({@code messages.pos}) under the
 * stream counter's lock, which the next batch waits for until it committed, so positions become
 * visible in order (StreamReaderTest); the lag stays as a second guard and could go (issue 21, part 2).
 */
final class StreamReader {
  private final Pool pool;
  private final long commitLagMs;

  StreamReader(Pool pool, long commitLagMs) {
    this.pool = pool;
    this.commitLagMs = commitLagMs;
  }

  /** Messages after position {@code afterId}, oldest first, at most {@code limit}, none younger than the lag. */
  Future<StreamPage> since(long afterId, int limit) {
    LocalDateTime settled = MessageRepository.utc(System.currentTimeMillis() - commitLagMs);
    return pool.preparedQuery("SELECT " + StreamRecords.COLUMNS + " FROM messages WHERE pos > ? ORDER BY pos LIMIT " + limit)
        .execute(Tuple.of(afterId))
        .map(rows -> {
          List<StoredMessage> out = new ArrayList<>(rows.size());
          long next = afterId;
          for (Row r : rows) {
            if (r.getLocalDateTime("created_at").isAfter(settled)) {
              break;   // not settled yet: nothing from here on, or an earlier id still committing would be skipped
            }
            out.add(StreamRecords.of(r));
            next = r.getLong("pos");
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
