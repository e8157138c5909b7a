package michat.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.testkit.Loopback;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A pool whose every connection is busy is not a silent database: the breaker's probe has a
 * connection of its own, so calls queued behind a long statement wait their turn and succeed instead
 * of being refused. (Through the pool, the probe waited in the same queue, timed out, and opened the
 * breaker: the fault matrix saw a router refuse ~200 messages in a second while MariaDB was fine.)
 * Read-only statements on the machine's MariaDB.
 */
class BusyPoolIsNotASilentDatabaseTest {
  @Test
  void callsQueuedBehindALongStatementAreServedAndTheBreakerStaysClosed() throws Exception {
    boolean up = Loopback.isListening(3306);
    if (!up && System.getenv("CI") != null) {
      Assertions.fail("MariaDB is not running on 127.0.0.1:3306 and CI is set");
    }
    Assumptions.assumeTrue(up, "MariaDB on 127.0.0.1:3306");
    Vertx vertx = Vertx.vertx();
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql",
        "MICHAT_MYSQL_POOL_SIZE", "1", "MICHAT_DEPENDENCY_PROBE_INTERVAL_MS", "500"));
    Pool pool = new Database(cfg).pool(vertx);
    try {
      pool.query("SELECT 1").execute().await(10, TimeUnit.SECONDS);   // connected
      Future<?> longOne = pool.query("SELECT SLEEP(2.5)").execute();
      List<Future<?>> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add(pool.query("SELECT " + i).execute());
      }
      Thread.sleep(1_800);   // the guard has seen nothing answered for more than a probe interval
      Future<?> late = pool.query("SELECT 'late'").execute();
      longOne.await(15, TimeUnit.SECONDS);
      Future.join(queued).await(15, TimeUnit.SECONDS);
      assertEquals(5, queued.stream().filter(Future::succeeded).count(), "queued behind the long statement");
      late.await(15, TimeUnit.SECONDS);   // refused at once when the breaker had opened
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
