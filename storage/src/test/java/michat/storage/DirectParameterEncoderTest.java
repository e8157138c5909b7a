package michat.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDateTime;
import michat.storage.JdbcCodecs.DirectParameterEncoder;
import org.junit.jupiter.api.Test;

class DirectParameterEncoderTest {
  private final DirectParameterEncoder encoder = new DirectParameterEncoder();

  /** A provider standing for the statement's parameter metadata, which plain values must not need. */
  private static final JDBCColumnDescriptorProvider NO_METADATA = pos -> {
    throw new AssertionError("parameter metadata asked for parameter " + pos);
  };

  @Test
  void plainValuesAreBoundAsTheyAreWithoutMetadata() throws Exception {
    String text = "hello";
    Tuple row = Tuple.of(7L, 3, (short) 2, true, text).addValue(null);
    assertEquals(7L, encoder.encode(row, 1, NO_METADATA));
    assertEquals(3, encoder.encode(row, 2, NO_METADATA));
    assertEquals((short) 2, encoder.encode(row, 3, NO_METADATA));
    assertEquals(true, encoder.encode(row, 4, NO_METADATA));
    assertSame(text, encoder.encode(row, 5, NO_METADATA));
    assertNull(encoder.encode(row, 6, NO_METADATA));
  }

  @Test
  void dateTimesStillGoThroughTheStockEncoder() {
    Tuple row = Tuple.of(LocalDateTime.of(2026, 11, 27, 12, 0));
    AssertionError asked = assertThrows(AssertionError.class, () -> encoder.encode(row, 1, NO_METADATA));
    assertEquals("parameter metadata asked for parameter 1", asked.getMessage());
  }
}
