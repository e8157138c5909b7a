package michat.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import michat.storage.JdbcCodecs.ColumnCachingDecoder;
import org.junit.jupiter.api.Test;

class ColumnCachingDecoderTest {

  @Test
  void decodesLikeTheStockDecoderDescribingEachColumnOnce() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:decoder;MODE=MySQL");
         Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id BIGINT, name VARCHAR(20), kind SMALLINT, at DATETIME(3))");
      st.execute("INSERT INTO t VALUES (1, 'a', 2, '2026-11-27 10:00:00.123'), (2, NULL, 1, NULL),"
          + " (3, 'c', 3, '2026-01-01 00:00:00')");
      List<List<Object>> stock = decodeAll(st, new JDBCDecoderImpl(), new AtomicInteger());
      AtomicInteger lookups = new AtomicInteger();
      List<List<Object>> cached = decodeAll(st, new ColumnCachingDecoder(), lookups);
      assertEquals(stock, cached);
      assertEquals(4, lookups.get(), "one description per column, not per value");
      assertEquals(3, cached.size());
      // a second result is described afresh, not with the first one's columns
      AtomicInteger again = new AtomicInteger();
      ColumnCachingDecoder decoder = new ColumnCachingDecoder();
      decodeAll(st, decoder, new AtomicInteger());
      try (ResultSet rs = st.executeQuery("SELECT name FROM t WHERE id = 1")) {
        JDBCColumnDescriptorProvider md = JDBCColumnDescriptorProvider.fromResultMetaData(rs.getMetaData());
        rs.next();
        assertEquals("a", decoder.parse(rs, 1, pos -> { again.incrementAndGet(); return md.apply(pos); }));
      }
      assertEquals(1, again.get());
    }
  }

  private static List<List<Object>> decodeAll(Statement st, JDBCDecoderImpl decoder, AtomicInteger lookups)
      throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT id, name, kind, at FROM t ORDER BY id")) {
      JDBCColumnDescriptorProvider md = JDBCColumnDescriptorProvider.fromResultMetaData(rs.getMetaData());
      JDBCColumnDescriptorProvider counting = pos -> {
        lookups.incrementAndGet();
        return md.apply(pos);
      };
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
          row.add(decoder.parse(rs, i, counting));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
