package michat.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-row statements for batched writes. Row counts are split into powers of two (37 rows = 32 +
 * 4 + 1) and IN lists padded up to one, so a handful of distinct SQL texts serve every batch size:
 * the prepared-statement caches of the drivers keep hitting instead of preparing each size anew.
 */
public final class SqlBatches {
  private SqlBatches() {}

  /** The smallest power of two at least {@code n} (and at least 1). */
  public static int roundUp(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  /** {@code item} n times, separated by {@code separator}. */
  public static String repeat(String item, String separator, int n) {
    StringBuilder sb = new StringBuilder(n * (item.length() + separator.length()));
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(separator);
      }
      sb.append(item);
    }
    return sb.toString();
  }

  /**
   * {@code head} + n × {@code row}, in chunks of powers of two, in order. The chunks are sent without
   * waiting for each other's answers: a connection runs its statements in the order given, and the
   * MySQL client sends them together (pipelining), so a batch costs one round trip, not one per chunk.
   * Statements a caller issues right after (before the returned future completes) join that round trip.
   */
  public static Future<Void> insertRows(SqlConnection tx, String head, String row, List<Tuple> rows) {
    return insertRows(tx, head, row, rows, "");
  }

  /** As above with {@code tail} after the rows (e.g. {@code ON DUPLICATE KEY UPDATE …}). */
  public static Future<Void> insertRows(SqlConnection tx, String head, String row, List<Tuple> rows, String tail) {
    List<Future<?>> sent = new ArrayList<>();
    int from = 0;
    while (from < rows.size()) {
      int size = Integer.highestOneBit(rows.size() - from);
      Tuple params = Tuple.tuple();
      for (Tuple t : rows.subList(from, from + size)) {
        for (int i = 0; i < t.size(); i++) {
          params.addValue(t.getValue(i));
        }
      }
      from += size;
      sent.add(tx.preparedQuery(head + repeat(row, ", ", size) + tail).execute(params));
    }
    return Future.all(sent).mapEmpty();
  }

  /** {@code (?, ?, …)} for an IN list of {@code count} values, padded to a power of two. */
  public static String inList(int count) {
    return "(" + repeat("?", ", ", roundUp(count)) + ")";
  }

  /** The parameters of {@link #inList}: the values, padded with the last one. */
  public static Tuple inParams(List<Object> values) {
    return inParams(Tuple.tuple(), values);
  }

  /** Appends the parameters of {@link #inList} to {@code params}. */
  public static Tuple inParams(Tuple params, List<Object> values) {
    int n = roundUp(values.size());
    for (int i = 0; i < n; i++) {
      params.addValue(values.get(Math.min(i, values.size() - 1)));
    }
    return params;
  }

  /** {@code prefix} followed by an IN list of the values, then {@code suffix}. */
  public static Future<List<Row>> selectIn(SqlConnection tx, String prefix, List<Object> values, String suffix) {
    return tx.preparedQuery(prefix + inList(values.size()) + suffix).execute(inParams(values))
        .map(rows -> {
          List<Row> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }
}
