package michat.dependency;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import michat.config.ConfigKey;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fail fast in front of one dependency (MariaDB, Redis), shared by every verticle of a Vert.x
 * instance that uses it. Calls go through a Vert.x circuit breaker with a timeout: a call unanswered
 * within it fails with {@link DependencyNoAnswer}, and the dependency is probed at once (also when
 * calls are waiting and nothing was answered for a probe interval). When the probe
 * is not answered either (or {@code dependency.maxFailures} calls failed within 10 s) the breaker
 * opens: from then on calls are refused at once with {@link DependencyUnavailable}, without being
 * sent, and the dependency is probed every {@code dependency.probeIntervalMs}; the first probe it
 * answers closes the breaker.
 *
 * <p>Operators hear of an outage once: a WARN when the breaker opens (how long the dependency has been
 * silent), a WARN every {@code dependency.reportIntervalSeconds} while it lasts (calls and messages
 * refused or left without an answer), an INFO when it answers again (how long it was out) — never a
 * line per call.
 */
public final class DependencyGuard {
  private static final Logger LOG = LoggerFactory.getLogger(DependencyGuard.class);
  /** The guards in use, per Vert.x instance and dependency; guarded by itself. */
  private static final Map<Vertx, Map<String, DependencyGuard>> SHARED = new HashMap<>();
  /** A probe pending this long (a connection that will never answer) no longer stops another. */
  private static final long PROBE_STALE_MS = 10_000;
  private static final long FAILURE_WINDOW_MS = 10_000;

  /** How a guard behaves; from the configuration, or given by tests. */
  public record Settings(long callTimeoutMs, int maxFailures, long probeIntervalMs, long reportIntervalMs) {
    public static Settings from(MichatConfig cfg, ConfigKey callTimeout) {
      return new Settings(cfg.number(callTimeout, 10, 600_000), cfg.integer(ConfigKeys.DEPENDENCY_MAX_FAILURES, 1, 10_000),
          cfg.number(ConfigKeys.DEPENDENCY_PROBE_INTERVAL_MS, 10, 600_000),
          cfg.number(ConfigKeys.DEPENDENCY_REPORT_INTERVAL_SECONDS, 1, 86_400) * 1000);
    }
  }

  private final Vertx vertx;
  private final String name;
  private final Settings settings;
  private final Predicate<Throwable> answered;
  private final MichatMetrics metrics;
  /** Replaced by a closed one when the dependency answers again (an open Vert.x breaker without a reset timeout stays open). */
  private volatile CircuitBreaker breaker;
  private final CopyOnWriteArrayList<Supplier<Future<?>>> probes = new CopyOnWriteArrayList<>();

  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicBoolean suspecting = new AtomicBoolean();
  /** Start of the oldest call unanswered since the last answer; 0 while it answers. */
  private final AtomicLong silentSince = new AtomicLong();
  /** What made it suspect the dependency, and how the probe failed: the operator's first clue. */
  private final java.util.concurrent.atomic.AtomicReference<String> suspicion = new java.util.concurrent.atomic.AtomicReference<>("");
  private final AtomicInteger inFlight = new AtomicInteger();
  /** When calls last went from none to some in flight, and when the dependency last answered. */
  private volatile long busySince;
  private volatile long lastAnswerAt = System.currentTimeMillis();
  private volatile long downSince;
  private volatile Future<?> probe;
  private volatile long probeStartedAt;
  private final long watchTimer;
  private long probeTimer;
  private long reportTimer;
  /**
   * A dependency that answers slowly or unreliably stops and comes back every few seconds: each
   * time the breaker opens and closes, but a WARN and an INFO every few seconds would be noise. A
   * relapse within {@code reportIntervalMs} of coming back continues the outage in the logs: counted,
   * reported at most once per interval while it goes on, and once more when it has been steady for
   * an interval.
   */
  private long backAt;
  private boolean relapsed;
  private int relapses;
  private long relapsesOutMs;
  private long relapseLineAt;
  private long steadyTimer = -1;
  /** Pools and stores using this guard; the last to {@link #release} it stops it. Guarded by SHARED. */
  private int users;
  // counted since the outage began, for its log lines
  private final LongAdder refusedCalls = new LongAdder();
  private final LongAdder unansweredCalls = new LongAdder();
  private final LongAdder refusedMessages = new LongAdder();
  private final LongAdder delayedMessages = new LongAdder();

  private DependencyGuard(Vertx vertx, String name, Settings settings, Predicate<Throwable> answered, MichatMetrics metrics) {
    this.vertx = vertx;
    this.name = name;
    this.settings = settings;
    this.answered = answered;
    this.metrics = metrics;
    this.breaker = newBreaker();
    this.watchTimer = vertx.setPeriodic(settings.probeIntervalMs(), id -> watch());
    metrics.dependency(name, () -> down.get() ? 0 : 1, () -> switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    });
  }

  /**
   * Calls are waiting and nothing has been answered for a probe interval: probe now rather than
   * after the call timeout, so that a frozen dependency is noticed within seconds however long
   * the calls may take.
   */
  private void watch() {
    long quietSince = Math.max(lastAnswerAt, busySince);
    if (!down.get() && inFlight.get() > 0 && System.currentTimeMillis() - quietSince > settings.probeIntervalMs()) {
      silentSince.compareAndSet(0, quietSince);
      suspicion.set("nothing answered for " + (System.currentTimeMillis() - quietSince) + " ms with " + inFlight.get()
          + " calls waiting");
      suspect();
    }
  }

  private void heardBack() {
    silentSince.set(0);
    lastAnswerAt = System.currentTimeMillis();
  }

  private CircuitBreaker newBreaker() {
    CircuitBreaker b = CircuitBreaker.create("michat-" + name, vertx, new CircuitBreakerOptions()
        .setTimeout(settings.callTimeoutMs())
        .setMaxFailures(settings.maxFailures())
        .setFailuresRollingWindow(FAILURE_WINDOW_MS)
        .setResetTimeout(-1)               // never half-open by itself: only a probe closes it
        .setNotificationAddress(null));    // no state broadcasts on the event bus
    // An error the dependency answered with (a duplicate key, a script error) is not its silence.
    b.failurePolicy(ar -> ar.failed() && !answered.test(ar.cause()));
    b.openHandler(v -> wentDown());
    return b;
  }

  /**
   * The guard of {@code name} on this Vert.x instance, created on first use; the caller
   * {@link #release}s it when it closes what it guards. {@code answered} tells the errors that are
   * the dependency's answer (a failed statement) from its silence (a refused connection, a closed
   * socket).
   */
  public static DependencyGuard acquire(Vertx vertx, String name, Settings settings, Predicate<Throwable> answered,
                                        MichatMetrics metrics) {
    synchronized (SHARED) {
      DependencyGuard g = SHARED.computeIfAbsent(vertx, v -> new HashMap<>())
          .computeIfAbsent(name, n -> new DependencyGuard(vertx, n, settings, answered, metrics));
      g.users++;
      return g;
    }
  }

  /** The last user's release stops the guard's timers and forgets it. */
  public void release() {
    synchronized (SHARED) {
      if (--users > 0) {
        return;
      }
      Map<String, DependencyGuard> guards = SHARED.get(vertx);
      if (guards != null && guards.remove(name) == this && guards.isEmpty()) {
        SHARED.remove(vertx);
      }
    }
    synchronized (this) {
      vertx.cancelTimer(watchTimer);
      vertx.cancelTimer(probeTimer);
      vertx.cancelTimer(reportTimer);
      vertx.cancelTimer(steadyTimer);
      breaker.close();
    }
  }

  public String name() {
    return name;
  }

  /** False from the breaker opening until the dependency answers a probe again. */
  public boolean isUp() {
    return !down.get();
  }

  /**
   * How to ask the dependency whether it answers (a {@code SELECT 1}, a {@code PING}): the latest one
   * added is used. Whoever adds one removes it when closing what it uses.
   */
  public void addProbe(Supplier<Future<?>> probe) {
    probes.add(probe);
  }

  public void removeProbe(Supplier<Future<?>> probe) {
    probes.remove(probe);
  }

  /**
   * Runs {@code command} unless the dependency is known to be down. Fails with
   * {@link DependencyUnavailable} (not sent: the breaker is open, or no connection could be made),
   * {@link DependencyNoAnswer} (sent, no answer: timed out or the connection was lost) or the
   * dependency's own answer (a failed statement).
   */
  public <T> Future<T> call(Supplier<Future<T>> command) {
    if (down.get()) {
      return refused();
    }
    long start = System.currentTimeMillis();
    if (inFlight.getAndIncrement() == 0) {
      busySince = start;
    }
    AtomicReference<Future<T>> sent = new AtomicReference<>();
    return breaker.<T>execute(() -> {
      Future<T> f = command.get();
      sent.set(f);
      return f;
    }).transform(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) {
        heardBack();
        return Future.succeededFuture(ar.result());
      }
      Throwable err = ar.cause();
      if (err instanceof OpenCircuitException) {
        return refused();
      }
      boolean timedOut = err instanceof TimeoutException;
      if (!timedOut && answered.test(err)) {
        heardBack();
        return Future.failedFuture(err);   // the dependency's own answer (a failed statement)
      }
      silentSince.compareAndSet(0, start);
      suspicion.set(timedOut ? "a call unanswered after " + settings.callTimeoutMs() + " ms" : "a call failed: " + err);
      suspect();
      if (!timedOut && isConnectFailure(err)) {
        refusedCalls.increment();   // no connection: nothing was sent
        return Future.failedFuture(new DependencyUnavailable(this));
      }
      unansweredCalls.increment();
      Future<T> late = sent.get();
      return Future.failedFuture(new DependencyNoAnswer(this,
          timedOut ? "nothing within " + settings.callTimeoutMs() + " ms" : String.valueOf(err.getMessage()),
          timedOut && late != null ? late : Future.failedFuture(err)));
    });
  }

  /** A connection that could not be made: the call never reached the dependency. */
  private static boolean isConnectFailure(Throwable err) {
    for (Throwable c = err; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof java.net.ConnectException || c.getClass().getSimpleName().contains("ConnectException")) {
        return true;
      }
    }
    return false;
  }

  private <T> Future<T> refused() {
    refusedCalls.increment();
    return Future.failedFuture(new DependencyUnavailable(this));
  }

  void messagesRefused(int n) {
    refusedMessages.add(n);
    metrics.messagesRefused(name + "_down").increment(n);
  }

  void messagesDelayed(int n) {
    delayedMessages.add(n);
    metrics.messagesDelayed(name + "_no_answer").increment(n);
  }

  /** A call failed without an answer: ask the dependency directly; if that is not answered either, it is down. */
  private void suspect() {
    if (down.get() || !suspecting.compareAndSet(false, true)) {
      return;
    }
    Future<?> p = startProbe();
    p.timeout(settings.probeIntervalMs(), java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(ar -> {
      suspecting.set(false);
      if (ar.failed()) {
        suspicion.updateAndGet(why -> why + "; the probe: " + ar.cause());
        breaker.open();   // its open handler logs, once
      }
    });
  }

  private Future<?> startProbe() {
    Supplier<Future<?>> how = probes.isEmpty() ? null : probes.get(probes.size() - 1);
    Future<?> p;
    try {
      p = how == null ? Future.failedFuture("no probe") : how.get();
    } catch (RuntimeException e) {
      p = Future.failedFuture(e);
    }
    probe = p;
    probeStartedAt = System.currentTimeMillis();
    p.onSuccess(v -> {
      heardBack();
      cameBack();
    });
    return p;
  }

  /** Synchronized with {@link #cameBack}: the breaker opens and closes from any event loop. */
  private synchronized void wentDown() {
    if (down.get()) {
      return;
    }
    down.set(true);
    long now = System.currentTimeMillis();
    long since = silentSince.get();
    downSince = since > 0 ? since : now;
    relapsed = backAt > 0 && now - backAt < settings.reportIntervalMs();
    if (relapsed) {
      relapses++;
      LOG.debug("{} is not answering again (relapse {} since the last report) — {}", name, relapses, suspicion.get());
    } else {
      resetCounts();
      LOG.warn("{} is not answering (silent for {}): its calls are refused at once until it answers a probe (one every {} ms)"
          + " — {}", name, seconds(now - downSince), settings.probeIntervalMs(), suspicion.get());
    }
    probeTimer = vertx.setPeriodic(settings.probeIntervalMs(), id -> {
      Future<?> p = probe;
      if (p == null || p.isComplete() || System.currentTimeMillis() - probeStartedAt > PROBE_STALE_MS) {
        startProbe();
      }
    });
    reportTimer = vertx.setPeriodic(settings.reportIntervalMs(), id -> LOG.warn("{} still not answering after {}: {}",
        name, seconds(System.currentTimeMillis() - downSince), cost()));
  }

  private synchronized void cameBack() {
    if (!down.get()) {
      return;
    }
    vertx.cancelTimer(probeTimer);
    vertx.cancelTimer(reportTimer);
    CircuitBreaker open = breaker;
    breaker = newBreaker();
    open.close();
    down.set(false);
    long now = System.currentTimeMillis();
    if (relapsed) {
      relapsesOutMs += now - downSince;
      LOG.debug("{} answers again after {} out (relapse {})", name, seconds(now - downSince), relapses);
      if (now - relapseLineAt >= settings.reportIntervalMs()) {
        LOG.warn("{} is unsteady: it stopped answering {} times in the last {} ({} out in all): {}", name, relapses,
            seconds(now - relapseLineAt), seconds(relapsesOutMs), cost());
        relapseLineAt = now;
        relapses = 0;
        relapsesOutMs = 0;
        resetCounts();
      }
    } else {
      LOG.info("{} answers again after {} out: {}", name, seconds(now - downSince), cost());
      relapseLineAt = now;
    }
    backAt = now;
    vertx.cancelTimer(steadyTimer);
    steadyTimer = vertx.setTimer(settings.reportIntervalMs(), id -> steady());
  }

  /** Answered for a whole report interval since it last came back: what the relapses since the last line cost. */
  private synchronized void steady() {
    if (down.get() || relapses == 0) {
      return;
    }
    LOG.info("{} answers steadily again: it had stopped answering {} more times within {} of coming back ({} out in"
        + " all): {}", name, relapses, seconds(settings.reportIntervalMs()), seconds(relapsesOutMs), cost());
    relapses = 0;
    relapsesOutMs = 0;
  }

  private void resetCounts() {
    refusedCalls.reset();
    unansweredCalls.reset();
    refusedMessages.reset();
    delayedMessages.reset();
  }

  /** What the outage cost so far: calls, and the messages their callers counted (only the router's writes do). */
  private String cost() {
    String calls = refusedCalls.sum() + " calls refused at once, " + unansweredCalls.sum() + " unanswered";
    long refused = refusedMessages.sum();
    long delayed = delayedMessages.sum();
    return refused + delayed == 0 ? calls
        : calls + "; messages refused " + refused + ", delayed (sent, no answer: may still be stored) " + delayed;
  }

  private static String seconds(long ms) {
    return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
