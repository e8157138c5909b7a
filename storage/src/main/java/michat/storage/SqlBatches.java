package michat.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-row statements for batched writes. Row counts are split into a multiple of {@link #STEP} (at
 * most {@link #MAX_ROWS}) and the rest (37 rows = 32 + 5), and IN lists padded up to a power of two,
 * so a few dozen distinct SQL texts serve every batch size: the prepared-statement caches of the
 * drivers keep hitting instead of preparing each size anew, and a batch of up to 271 rows is at most
 * two statements (powers of two took up to eight: each statement costs MariaDB its own execution).
 */
public final class SqlBatches {
  /** Row counts of the first chunk are multiples of this; the rest is one statement of fewer rows. */
  static final int STEP = 16;
  /** The most rows in one statement. */
  static final int MAX_ROWS = 256;

  private SqlBatches() {}

  /** The rows of the next statement when {@code left} remain: a multiple of STEP, or all of a small rest. */
  static int chunk(int left) {
    return left < STEP ? left : Math.min(MAX_ROWS, left - left % STEP);
  }

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
   * A multi-row statement: {@code head}, n × {@code row}, {@code tail} (e.g. {@code ON DUPLICATE KEY
   * UPDATE …}). Kept in a constant: each row count's SQL text is built once, and the same string
   * comes back every time — the drivers' statement caches then find it by its cached hash instead of
   * hashing and comparing kilobytes of new text per statement (the profile at 5,000 msg/s showed
   * building and hashing these texts as ~4 % of the server's CPU).
   */
  public static final class MultiRow {
    private final String head;
    private final String row;
    private final String tail;
    /** By row count; a race builds a text twice, never a wrong one (strings are immutable). */
    private final String[] texts = new String[MAX_ROWS + 1];

    private MultiRow(String head, String row, String tail) {
      this.head = head;
      this.row = row;
      this.tail = tail;
    }

    String sql(int rows) {
      String sql = texts[rows];
      if (sql == null) {
        sql = head + repeat(row, ", ", rows) + tail;
        texts[rows] = sql;
      }
      return sql;
    }

    /**
     * The rows, in chunks ({@link #chunk}), in order. The chunks are sent without waiting for each
     * other's answers: a connection runs its statements in the order given, and the MySQL client sends
     * them together (pipelining), so a batch costs one round trip, not one per chunk. Statements a
     * caller issues right after (before the returned future completes) join that round trip.
     */
    public Future<Void> insert(SqlConnection tx, List<Tuple> rows) {
      List<Future<?>> sent = new ArrayList<>(2);
      int from = 0;
      while (from < rows.size()) {
        int size = chunk(rows.size() - from);
        Tuple params = Tuple.tuple();
        for (Tuple t : rows.subList(from, from + size)) {
          for (int i = 0; i < t.size(); i++) {
            params.addValue(t.getValue(i));
          }
        }
        from += size;
        sent.add(tx.preparedQuery(sql(size)).execute(params));
      }
      return Future.all(sent).mapEmpty();
    }
  }

  /** {@code head} + rows of {@code row} (a constant: see {@link MultiRow}). */
  public static MultiRow multiRow(String head, String row) {
    return new MultiRow(head, row, "");
  }

  /** As above with {@code tail} after the rows. */
  public static MultiRow multiRow(String head, String row, String tail) {
    return new MultiRow(head, row, tail);
  }

  /**
   * {@code prefix} + an IN list + {@code suffix}, the list padded to a power of two; each padded
   * size's text built once (a constant, as {@link MultiRow}).
   */
  public static final class SelectIn {
    private final String prefix;
    private final String suffix;
    /** By log2 of the padded size. */
    private final String[] texts = new String[32];

    private SelectIn(String prefix, String suffix) {
      this.prefix = prefix;
      this.suffix = suffix;
    }

    String sql(int values) {
      int padded = roundUp(values);
      int slot = Integer.numberOfTrailingZeros(padded);
      String sql = texts[slot];
      if (sql == null) {
        sql = prefix + inList(padded) + suffix;
        texts[slot] = sql;
      }
      return sql;
    }

    public Future<List<Row>> select(SqlConnection tx, List<Object> values) {
      return tx.preparedQuery(sql(values.size())).execute(inParams(values))
          .map(rows -> {
            List<Row> out = new ArrayList<>(rows.size());
            rows.forEach(out::add);
            return out;
          });
    }
  }

  public static SelectIn selectIn(String prefix, String suffix) {
    return new SelectIn(prefix, suffix);
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


}
