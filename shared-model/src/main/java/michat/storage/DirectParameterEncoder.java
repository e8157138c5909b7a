package michat.storage;

import io.vertx.core.json.JsonArray;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCEncoder;
import io.vertx.jdbcclient.spi.JDBCEncoderImpl;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;

/**
 * Parameter encoder of the embedded (H2, JDBC) pool. Vert.x's stock encoder asks the statement's
 * parameter metadata about every parameter before binding it, and builds its type description with a
 * {@code Class.forName} each time: a fifth of the SQL worker's CPU when a batch of messages is stored
 * (docs/benchmarks.md). It only needs that description to turn strings into UUIDs or dates and to
 * convert date/time objects. michat has no UUID columns and binds every date/time as a
 * {@code LocalDateTime}, so numbers, booleans, strings and nulls are bound as they are; everything
 * else still goes through the stock encoder.
 */
public final class DirectParameterEncoder implements JDBCEncoder {
  private final JDBCEncoderImpl stock = new JDBCEncoderImpl();

  @Override
  public Object encode(JsonArray input, int pos, JDBCColumnDescriptorProvider provider) throws SQLException {
    Object value = input.getValue(pos - 1);
    return isPlain(value) ? value : stock.encode(input, pos, provider);
  }

  @Override
  public Object encode(Tuple input, int pos, JDBCColumnDescriptorProvider provider) throws SQLException {
    Object value = input.getValue(pos - 1);
    return isPlain(value) ? value : stock.encode(input, pos, provider);
  }

  private static boolean isPlain(Object value) {
    return value == null || value instanceof String || value instanceof Long || value instanceof Integer
        || value instanceof Short || value instanceof Boolean;
  }
}
