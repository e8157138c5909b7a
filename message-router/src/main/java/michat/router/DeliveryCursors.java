package michat.router;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import michat.storage.Database;

/** How far each user was served in each conversation: the saved delivery cursors. */
public final class DeliveryCursors {
  private final Pool pool;

  public DeliveryCursors(Pool pool) {
    this.pool = pool;
  }

  /** Moves cursors forward (never back): user id → conversation → seq, in one transaction. */
  public Future<Void> advanceCursors(Map<Long, Map<String, Long>> cursorsByUser) {
    List<Tuple> batch = new ArrayList<>();
    cursorsByUser.forEach((userId, cursors) ->
        cursors.forEach((conversation, seq) -> batch.add(Tuple.of(userId, conversation, seq))));
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return Database.write(pool, tx -> tx.preparedQuery("INSERT INTO delivery_cursors (user_id, conversation, delivered_seq)"
            + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE delivered_seq = GREATEST(delivered_seq, VALUES(delivered_seq))")
        .executeBatch(batch).mapEmpty());
  }
}
