package michat.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.TransactionPropagation;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collector;
import michat.dependency.DependencyGuard;

/**
 * A MySQL/MariaDB pool whose every query and transaction goes through the database's
 * {@link DependencyGuard}: refused at once while the database does not answer, failed after
 * {@code storage.callTimeoutMs} when it stops answering. The services use it as any {@link Pool}.
 */
final class GuardedPool implements Pool {
  private final Pool pool;
  private final Pool probes;
  private final DependencyGuard guard;
  private final Supplier<Future<?>> probe;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** {@code probes}: the probe's own connection, so that it never waits behind the pool's callers. */
  GuardedPool(Pool pool, Pool probes, DependencyGuard guard) {
    this.pool = pool;
    this.probes = probes;
    this.guard = guard;
    this.probe = () -> probes.query("SELECT 1").execute();
    guard.addProbe(probe);
  }

  /** Only the wait for a connection is guarded: what is then done on it is the caller's. */
  @Override
  public Future<SqlConnection> getConnection() {
    return guard.call(pool::getConnection);
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return new GuardedQuery<>(pool.query(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return new GuardedPreparedQuery<>(pool.preparedQuery(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return new GuardedPreparedQuery<>(pool.preparedQuery(sql, options));
  }

  /** The whole transaction is one call: its timeout covers every statement and the commit. */
  @Override
  public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return guard.call(() -> pool.withTransaction(work));
  }

  @Override
  public <T> Future<T> withTransaction(TransactionPropagation propagation, Function<SqlConnection, Future<T>> work) {
    return guard.call(() -> pool.withTransaction(propagation, work));
  }

  @Override
  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work) {
    return guard.call(() -> pool.withConnection(work));
  }

  @Override
  public int size() {
    return pool.size();
  }

  @Override
  public Future<Void> close() {
    if (closed.compareAndSet(false, true)) {
      guard.removeProbe(probe);
      guard.release();
    }
    return Future.join(pool.close(), probes.close()).mapEmpty();
  }

  private class GuardedQuery<T> implements Query<T> {
    private final Query<T> query;

    GuardedQuery(Query<T> query) {
      this.query = query;
    }

    @Override
    public Future<T> execute() {
      return guard.call(query::execute);
    }

    @Override
    public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new GuardedQuery<>(query.collecting(collector));
    }

    @Override
    public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new GuardedQuery<>(query.mapping(mapper));
    }
  }

  private final class GuardedPreparedQuery<T> extends GuardedQuery<T> implements PreparedQuery<T> {
    private final PreparedQuery<T> query;

    GuardedPreparedQuery(PreparedQuery<T> query) {
      super(query);
      this.query = query;
    }

    @Override
    public Future<T> execute(Tuple tuple) {
      return guard.call(() -> query.execute(tuple));
    }

    @Override
    public Future<T> executeBatch(List<Tuple> batch) {
      return guard.call(() -> query.executeBatch(batch));
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new GuardedPreparedQuery<>(query.collecting(collector));
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new GuardedPreparedQuery<>(query.mapping(mapper));
    }
  }
}
