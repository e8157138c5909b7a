package michat.storage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.impl.actions.JDBCColumnDescriptor;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import io.vertx.jdbcclient.spi.JDBCEncoder;
import io.vertx.jdbcclient.spi.JDBCEncoderImpl;
import io.vertx.sqlclient.Tuple;
import java.lang.ref.WeakReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The one place where michat reaches into vertx-jdbc-client's implementation: the parameter encoder
 * and result decoder of the embedded (H2) pool replace the stock ones, named in the pool's extra
 * configuration and built on the stock {@code *Impl} classes (whose methods take
 * {@code io.vertx.jdbcclient.impl} types).
 *
 * <p>Why: the stock encoder asks the statement's parameter metadata about every bound value and runs a
 * {@code Class.forName} for it (12 per message in a batch insert), and the stock decoder describes the
 * column anew for every value. Binding plain values directly took the server's CPU at 3,000 msg/s on
 * H2 <b>from 118% to 95% of a core</b>, the store's mean batch time from 12–17 to 5 ms and the p99 from
 * 135–394 to 71 ms.
 *
 * <p>What it relies on, pinned by {@code JdbcCodecsTest} on a real pool over H2 in memory: the pool
 * builds its codecs from the {@code encoderCls} and {@code decoderCls} keys; it calls them for every
 * parameter and every value; a column provider is made per result set (the decoder's cache is keyed on
 * it); values decode as with the stock codecs for each column type michat uses.
 *
 * <p>When that test fails after a Vert.x upgrade: adapt this class, or leave the two keys out in
 * {@link #install} — the pool then uses its stock codecs, which decode the same values, only slower.
 */
final class JdbcCodecs {
  private JdbcCodecs() {}

  /** The embedded pool's options with michat's codecs in place of the stock ones. */
  static JDBCConnectOptions install(JDBCConnectOptions options) {
    return install(options, DirectParameterEncoder.class, ColumnCachingDecoder.class);
  }

  /** The same with subclasses: the test's, which count calls (hence the codecs are not final). */
  static JDBCConnectOptions install(JDBCConnectOptions options, Class<? extends DirectParameterEncoder> encoder,
                                    Class<? extends ColumnCachingDecoder> decoder) {
    return options.setExtraConfig(new JsonObject().put("encoderCls", encoder.getName())
        .put("decoderCls", decoder.getName()));
  }

  /**
   * Binds numbers, booleans, strings and nulls as they are. The stock encoder needs the parameter's
   * description only to turn strings into UUIDs or dates and to convert date/time objects; michat has no
   * UUID columns and binds every date/time as a {@code LocalDateTime}, which still goes the stock way.
   * Public with a public constructor: the pool instantiates it by name.
   */
  public static class DirectParameterEncoder implements JDBCEncoder {
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

  /**
   * Describes each column of a result once (the provider is made per result set, so it identifies the
   * result) and decodes every value exactly as the stock decoder does. Public with a public
   * constructor: the pool instantiates it by name.
   */
  public static class ColumnCachingDecoder extends JDBCDecoderImpl {
    /** The columns of the result a worker thread is decoding; connections run on worker threads. */
    private final ThreadLocal<Columns> current = ThreadLocal.withInitial(Columns::new);

    @Override
    public Object parse(ResultSet rs, int pos, JDBCColumnDescriptorProvider lookup) throws SQLException {
      JDBCColumnDescriptor column = current.get().of(lookup, pos);
      return decode(column, cls -> cls == null ? rs.getObject(pos) : rs.getObject(pos, cls));
    }
  }

  /** Weakly held: the provider reaches the result's metadata, which must not outlive the result. */
  private static final class Columns {
    private WeakReference<JDBCColumnDescriptorProvider> result = new WeakReference<>(null);
    private JDBCColumnDescriptor[] byPosition = new JDBCColumnDescriptor[16];

    JDBCColumnDescriptor of(JDBCColumnDescriptorProvider lookup, int pos) throws SQLException {
      if (lookup != result.get()) {
        result = new WeakReference<>(lookup);
        Arrays.fill(byPosition, null);
      }
      if (pos >= byPosition.length) {
        byPosition = Arrays.copyOf(byPosition, Math.max(pos + 1, byPosition.length * 2));
      }
      JDBCColumnDescriptor column = byPosition[pos];
      if (column == null) {
        column = lookup.apply(pos);
        byPosition[pos] = column;
      }
      return column;
    }
  }
}
