package michat.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import michat.storage.JdbcCodecs.ColumnCachingDecoder;
import michat.storage.JdbcCodecs.DirectParameterEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins what {@link JdbcCodecs} relies on in vertx-jdbc-client, on a real pool over H2 in memory: that
 * the pool builds michat's codecs from its extra configuration and calls them for every parameter and
 * value, that it makes a column provider per result set, and that values of each column type michat
 * uses decode as with the stock codecs (the fallback). When this fails after a Vert.x upgrade, read
 * JdbcCodecs' comment.
 */
class JdbcCodecsTest {
  private static final LocalDateTime AT = LocalDateTime.of(2026, 11, 27, 10, 0, 0, 123_000_000);
  private static final String INSERT = "INSERT INTO t (id, n, kind, flag, name, at) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String SELECT_ALL = "SELECT id, n, kind, flag, name, at FROM t WHERE id >= ? ORDER BY id";
  /** Other column types at the same positions: a decoder that kept the first result's columns would fail. */
  private static final String SELECT_OTHER = "SELECT name, at, id, COUNT(*) OVER () AS c FROM t WHERE id = ?";

  /** One worker thread: every result is decoded on the same thread, with the same decoder cache. */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
  private final JDBCConnectOptions h2 = new JDBCConnectOptions().setUser("sa").setPassword("")
      .setJdbcUrl("jdbc:h2:mem:codecs;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
  /** With michat's codecs, subclassed to count their calls. */
  private Pool counting;
  private Pool stock;

  /** Counts the encoder's calls; public with a public constructor, as the pool instantiates it by name. */
  public static class CountingEncoder extends DirectParameterEncoder {
    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public Object encode(io.vertx.core.json.JsonArray input, int pos, JDBCColumnDescriptorProvider provider)
        throws SQLException {
      CALLS.incrementAndGet();
      return super.encode(input, pos, provider);
    }

    @Override
    public Object encode(Tuple input, int pos, JDBCColumnDescriptorProvider provider) throws SQLException {
      CALLS.incrementAndGet();
      return super.encode(input, pos, provider);
    }
  }

  /** Records, per result set, the column providers the decoder was given. */
  public static class CountingDecoder extends ColumnCachingDecoder {
    static final AtomicInteger CALLS = new AtomicInteger();
    static final Map<ResultSet, Set<JDBCColumnDescriptorProvider>> PROVIDERS =
        Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public Object parse(ResultSet rs, int pos, JDBCColumnDescriptorProvider lookup) throws SQLException {
      CALLS.incrementAndGet();
      PROVIDERS.computeIfAbsent(rs, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(lookup);
      return super.parse(rs, pos, lookup);
    }
  }

  @BeforeEach
  void pools() throws Exception {
    CountingEncoder.CALLS.set(0);
    CountingDecoder.CALLS.set(0);
    CountingDecoder.PROVIDERS.clear();
    counting = JDBCPool.pool(vertx, JdbcCodecs.install(new JDBCConnectOptions(h2), CountingEncoder.class,
        CountingDecoder.class), new PoolOptions().setMaxSize(1));
    stock = JDBCPool.pool(vertx, h2, new PoolOptions().setMaxSize(1));
    await(stock.query("DROP TABLE IF EXISTS t").execute());
    // michat's column types (db/migration): BIGINT, INT, SMALLINT (also bound from booleans), VARCHAR, DATETIME(3)
    await(stock.query("CREATE TABLE t (id BIGINT PRIMARY KEY, n INT, kind SMALLINT, flag SMALLINT,"
        + " name VARCHAR(64), at DATETIME(3))").execute());
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void thePoolCallsMichatsCodecsForEveryParameterAndValueWithAProviderPerResult() throws Exception {
    // Multi-row inserts, as SqlBatches writes (executeBatch binds without any encoder in 5.0.7).
    await(counting.preparedQuery(INSERT + ", (?, ?, ?, ?, ?, ?)").execute(Tuple.of(1L, 7, (short) 2, true, "a", AT)
        .addValue(2L).addValue(null).addValue((short) 1).addValue(false).addValue(null).addValue(null)));
    await(counting.preparedQuery(INSERT).execute(Tuple.of(3L, Integer.MAX_VALUE, (short) 3, true, "c", AT)));
    assertEquals(18, CountingEncoder.CALLS.get(),
        "JdbcCodecs: the pool did not call michat's encoder once per parameter (is encoderCls still read?)");
    CountingDecoder.CALLS.set(0);   // the inserts' generated keys were decoded too
    CountingDecoder.PROVIDERS.clear();

    RowSet<Row> all = await(counting.preparedQuery(SELECT_ALL).execute(Tuple.of(1L)));
    RowSet<Row> other = await(counting.preparedQuery(SELECT_OTHER).execute(Tuple.of(1L)));
    RowSet<Row> simple = await(counting.query("SELECT COALESCE(MAX(id), 0) AS max_id FROM t").execute());
    assertEquals(3 * 6 + 4 + 1, CountingDecoder.CALLS.get(),
        "JdbcCodecs: the pool did not call michat's decoder once per value (is decoderCls still read?)");
    assertEquals(3, CountingDecoder.PROVIDERS.size(), "JdbcCodecs: three results decoded");
    List<JDBCColumnDescriptorProvider> providers = new ArrayList<>();
    CountingDecoder.PROVIDERS.values().forEach(perResult -> {
      assertEquals(1, perResult.size(),
          "JdbcCodecs: the column provider is no longer one per result set; the decoder's cache keys on it");
      providers.addAll(perResult);
    });
    Set<JDBCColumnDescriptorProvider> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(providers);
    assertEquals(3, distinct.size(),
        "JdbcCodecs: result sets shared a column provider; the decoder would reuse the first one's columns");

    Row first = all.iterator().next();
    assertEquals(1L, first.getLong("id"));
    assertEquals(7, first.getInteger("n"));
    assertEquals((short) 2, first.getShort("kind"));
    assertEquals(1, first.getInteger("flag"), "a boolean bound to a SMALLINT");
    assertEquals("a", first.getString("name"));
    assertEquals(AT, first.getLocalDateTime("at"));
    Row one = other.iterator().next();
    assertEquals("a", one.getString(0));
    assertEquals(AT, one.getLocalDateTime(1));
    assertEquals(1L, one.getLong(2));
    assertEquals(3L, simple.iterator().next().getLong("max_id"));
  }

  @Test
  void valuesDecodeAsWithTheStockCodecs() throws Exception {
    Pool withCodecs = JDBCPool.pool(vertx, JdbcCodecs.install(new JDBCConnectOptions(h2)),
        new PoolOptions().setMaxSize(1));
    await(stock.preparedQuery(INSERT).executeBatch(List.of(
        Tuple.of(1L, 7, (short) 2, true, "a", AT),
        Tuple.tuple().addValue(2L).addValue(null).addValue((short) 1).addValue(false).addValue(null).addValue(null),
        Tuple.of(Long.MAX_VALUE, Integer.MIN_VALUE, Short.MAX_VALUE, true, "ü€\uD83D\uDE00", AT.withNano(0)))));
    for (String sql : List.of(SELECT_ALL, SELECT_OTHER)) {
      assertEquals(values(await(stock.preparedQuery(sql).execute(Tuple.of(1L)))),
          values(await(withCodecs.preparedQuery(sql).execute(Tuple.of(1L)))),
          "JdbcCodecs: michat's decoder and the stock one disagree on " + sql);
    }
    await(withCodecs.query("DELETE FROM t").execute());
    await(withCodecs.preparedQuery(INSERT).execute(Tuple.of(5L, 9, (short) 4, false, "e", AT)));
    assertEquals(List.of(Stream.of(5L, 9, (short) 4, (short) 0, "e", AT).map(JdbcCodecsTest::typed).toList()),
        values(await(stock.preparedQuery(SELECT_ALL).execute(Tuple.of(1L)))),
        "JdbcCodecs: what michat's encoder bound reads back differently");
  }

  /** Every value with its Java type, row by row. */
  private static List<List<String>> values(RowSet<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row row : rows) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(typed(row.getValue(i)));
      }
      out.add(values);
    }
    return out;
  }

  private static String typed(Object value) {
    return value == null ? "null" : value + " (" + value.getClass().getSimpleName() + ")";
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
