package michat.storage;

import io.vertx.jdbcclient.impl.actions.JDBCColumnDescriptor;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import java.lang.ref.WeakReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Result decoder of the embedded (H2, JDBC) pool. Vert.x's stock decoder describes a column anew for
 * every cell — reading the result's metadata and running a {@code Class.forName} — so a page of
 * history or a batch's read-back paid that for every value. This one describes each column of a
 * result once (the provider is made per result set, so it identifies the result) and decodes every
 * value exactly as the stock decoder does.
 */
public final class ColumnCachingDecoder extends JDBCDecoderImpl {
  /** The columns of the result a worker thread is decoding; connections run on worker threads. */
  private final ThreadLocal<Columns> current = ThreadLocal.withInitial(Columns::new);

  @Override
  public Object parse(ResultSet rs, int pos, JDBCColumnDescriptorProvider lookup) throws SQLException {
    JDBCColumnDescriptor column = current.get().of(lookup, pos);
    return decode(column, cls -> cls == null ? rs.getObject(pos) : rs.getObject(pos, cls));
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
