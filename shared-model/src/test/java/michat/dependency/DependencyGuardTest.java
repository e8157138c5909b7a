package michat.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The breaker in front of a dependency, with the dependency played by promises this test completes
 * (or never does): what is refused without being sent, what was sent and not answered, what opens the
 * breaker and what closes it.
 */
class DependencyGuardTest {
  /** A node of its own per test, so that each guard's gauges are its own. */
  private static final AtomicInteger NODES = new AtomicInteger();
  private final Vertx vertx = Vertx.vertx();
  /** What the probe answers; replaced by each test. */
  private final AtomicReference<Promise<Void>> probeAnswer = new AtomicReference<>(Promise.promise());
  private final AtomicInteger probes = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A failure the dependency answers with (a broken constraint), as opposed to its silence. */
  private static final class Answered extends RuntimeException {
    Answered() {
      super("duplicate key");
    }
  }

  private DependencyGuard guard(long callTimeoutMs, long probeIntervalMs) {
    return guard(callTimeoutMs, probeIntervalMs, 60_000);
  }

  private DependencyGuard guard(long callTimeoutMs, long probeIntervalMs, long reportIntervalMs) {
    DependencyGuard g = DependencyGuard.acquire(vertx, "db", new DependencyGuard.Settings(callTimeoutMs, 3, probeIntervalMs,
            reportIntervalMs),
        err -> err instanceof Answered, MichatMetrics.of(MichatConfig.load(null, Map.of("MICHAT_NODE_ID", "guard-test-" + NODES.incrementAndGet()))));
    g.addProbe(() -> {
      probes.incrementAndGet();
      return probeAnswer.get().future();
    });
    return g;
  }

  private static <T> Throwable failure(Future<T> f) throws Exception {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return f.cause();
    }
    throw new AssertionError("expected a failure, got " + f.result());
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  @Test
  void anUnansweredCallFailsAfterItsTimeoutThenCallsAreRefusedUnsentUntilAProbeIsAnswered() throws Exception {
    DependencyGuard g = guard(200, 100);
    Promise<String> frozen = Promise.promise();
    Throwable first = failure(g.call(frozen::future));
    DependencyNoAnswer noAnswer = assertInstanceOf(DependencyNoAnswer.class, first, "sent, not answered");
    assertEquals("db", noAnswer.dependency());
    assertTrue(eventually(() -> !g.isUp()), "the probe was not answered either: down");

    AtomicInteger sent = new AtomicInteger();
    long t = System.nanoTime();
    Throwable refused = failure(g.call(() -> {
      sent.incrementAndGet();
      return Future.succeededFuture("never");
    }));
    assertInstanceOf(DependencyUnavailable.class, refused);
    assertEquals(0, sent.get(), "refused without being sent");
    assertTrue(System.nanoTime() - t < TimeUnit.MILLISECONDS.toNanos(100), "at once");

    // the thaw: what was sent is carried out late, and the pending probe is answered
    frozen.complete("stored after all");
    assertEquals("stored after all", noAnswer.lateOutcome().await(5, TimeUnit.SECONDS));
    probeAnswer.get().complete();
    assertTrue(eventually(g::isUp), "a probe answered closes the breaker");
    assertEquals("ok", g.call(() -> Future.succeededFuture("ok")).await(5, TimeUnit.SECONDS));
  }

  /**
   * A slow or unreliable dependency stops and comes back every few hundred milliseconds (the fault
   * matrix's slow MariaDB did, every 3 s): one WARN when it first stops, one INFO when it first comes
   * back, at most one line per report interval while it keeps relapsing, and one when it has been
   * steady for an interval — not a WARN and an INFO per relapse.
   */
  @Test
  void aDependencyThatKeepsRelapsingIsReportedOncePerIntervalNotPerRelapse() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(DependencyGuard.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try {
      DependencyGuard g = guard(100, 50, 1_500);
      for (int i = 0; i < 6; i++) {
        probeAnswer.set(Promise.promise());   // it stops answering: calls and the probe hang
        failure(g.call(() -> Promise.<String>promise().future()));
        assertTrue(eventually(() -> !g.isUp()), "down, relapse " + i);
        probeAnswer.get().complete();        // and answers again
        assertTrue(eventually(g::isUp), "up, relapse " + i);
        Thread.sleep(50);
      }
      Thread.sleep(1_800);   // steady for longer than the report interval
      List<String> lines = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
          .map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(1, lines.stream().filter(l -> l.startsWith("db is not answering")).count(), String.join("\n", lines));
      assertEquals(1, lines.stream().filter(l -> l.startsWith("db answers again")).count(), String.join("\n", lines));
      assertEquals(1, lines.stream().filter(l -> l.startsWith("db answers steadily again: it had stopped answering")).count(),
          String.join("\n", lines));
      assertTrue(lines.size() <= 4, "at most one 'unsteady' line besides: " + String.join("\n", lines));
    } finally {
      logger.detachAppender(log);
    }
  }

  @Test
  void aFrozenDependencyIsNoticedWithinProbeIntervalsWhateverTheCallTimeout() throws Exception {
    DependencyGuard g = guard(60_000, 100);
    long t = System.currentTimeMillis();
    Future<String> waiting = g.call(() -> Promise.<String>promise().future());
    assertTrue(eventually(() -> !g.isUp()), "down while the call still waits");
    assertTrue(System.currentTimeMillis() - t < 1_000, "in a few probe intervals, not after 60 s");
    assertFalse(waiting.isComplete(), "the call itself keeps its own timeout");
  }

  @Test
  void errorsTheDependencyAnswersWithPassThroughAndOpenNothing() throws Exception {
    DependencyGuard g = guard(1_000, 100);
    probeAnswer.get().complete();
    for (int i = 0; i < 10; i++) {
      Answered err = new Answered();
      assertSame(err, failure(g.call(() -> Future.failedFuture(err))));
    }
    Thread.sleep(300);
    assertTrue(g.isUp());
    assertEquals(0, probes.get(), "an answer is no reason to probe");
  }

  @Test
  void aRefusedConnectionIsRefusedUnsentAndOpensTheBreakerAtOnce() throws Exception {
    DependencyGuard g = guard(1_000, 100);
    probeAnswer.get().fail(new java.net.ConnectException("Connection refused"));
    Throwable err = failure(g.call(() -> Future.failedFuture(new java.net.ConnectException("Connection refused"))));
    assertInstanceOf(DependencyUnavailable.class, err, "no connection: nothing was sent");
    assertTrue(eventually(() -> !g.isUp()));
    probeAnswer.set(Promise.promise());
    probeAnswer.get().complete();
    assertTrue(eventually(g::isUp), "the next probe, a probe interval later, finds it back");
  }
}
