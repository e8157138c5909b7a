package michat.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How batches of rows are cut into statements: few statements per batch, few distinct texts overall. */
class SqlBatchesTest {
  @Test
  void everyBatchSizeIsCutIntoAtMostTwoStatementsPerMaxRowsFromAFewDozenSizes() {
    Set<Integer> sizes = new HashSet<>();
    for (int n = 1; n <= 2_000; n++) {
      int statements = 0;
      int left = n;
      while (left > 0) {
        int size = SqlBatches.chunk(left);
        assertTrue(size >= 1 && size <= SqlBatches.MAX_ROWS, n + " rows: a statement of " + size);
        sizes.add(size);
        left -= size;
        statements++;
      }
      int full = n / SqlBatches.MAX_ROWS;
      assertTrue(statements <= full + 2, n + " rows took " + statements + " statements");
      if (n < SqlBatches.MAX_ROWS + SqlBatches.STEP) {
        assertTrue(statements <= 2, n + " rows took " + statements + " statements");
      }
      if (n % SqlBatches.STEP == 0 && n <= SqlBatches.MAX_ROWS || n < SqlBatches.STEP) {
        assertEquals(1, statements, n + " rows fit one statement");
      }
    }
    assertEquals(SqlBatches.STEP - 1 + SqlBatches.MAX_ROWS / SqlBatches.STEP, sizes.size(),
        "1…15 and the multiples of 16 up to 256: the statement texts a prepared-statement cache holds per kind");
  }

  @Test
  void eachRowCountsTextIsBuiltOnceAndComesBackAsTheSameString() {
    SqlBatches.MultiRow insert = SqlBatches.multiRow("INSERT INTO t (a, b) VALUES ", "(?, ?)", " ON DUPLICATE KEY UPDATE b = 1");
    assertEquals("INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON DUPLICATE KEY UPDATE b = 1", insert.sql(3));
    assertTrue(insert.sql(3) == insert.sql(3), "the same instance: its hash is computed once");
    SqlBatches.SelectIn select = SqlBatches.selectIn("SELECT a FROM t WHERE a IN ", " FOR UPDATE");
    assertEquals("SELECT a FROM t WHERE a IN (?, ?, ?, ?) FOR UPDATE", select.sql(3), "padded to a power of two");
    assertTrue(select.sql(3) == select.sql(4));
    assertEquals("SELECT a FROM t WHERE a IN (?) FOR UPDATE", select.sql(1));
  }
}
