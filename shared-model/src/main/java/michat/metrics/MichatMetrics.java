package michat.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * michat's own meters, beside Vert.x's (event bus, HTTP, pools, JVM), in the Prometheus registry of
 * one running michat (one per {@code node.id}; scraped at {@code GET /metrics}). Every meter is
 * created once, untagged, so counting a message is one add on a striped counter — no allocation
 * per message. With {@code metrics.enabled=false} the meters exist but go nowhere.
 *
 * <p>Names as Prometheus shows them: {@code michat_sessions_open}, {@code michat_messages_in_total}
 * (frames accepted and stored by the router), {@code michat_frames_out_total} (chat messages written
 * to sessions), {@code michat_socket_flushes_total} (flushes of sockets written to without a flush
 * per frame: frames out per flush is the coalescing), {@code michat_outbound_queued_frames}, {@code michat_store_seconds} (storing one
 * message, waiting included), {@code michat_store_batch} (messages per store transaction),
 * {@code michat_store_transaction_seconds}, {@code michat_store_waiting}, {@code michat_delivery_seconds} (router received → written to the socket),
 * {@code michat_heap_used_bytes}, {@code michat_heap_live_bytes} (heap after the last GC),
 * {@code michat_process_rss_bytes}. Outages of dependencies ({@link michat.dependency.DependencyGuard}):
 * {@code michat_dependency_up{dependency}} (1 answering, 0 down), {@code michat_dependency_breaker_state{dependency}}
 * (0 closed, 1 half-open, 2 open), {@code michat_messages_refused_total{cause}} (refused, never stored:
 * {@code mariadb_down}, {@code store_queue_full}), {@code michat_messages_delayed_total{cause}} (sent to the
 * database, not answered in time: {@code mariadb_no_answer}), {@code michat_messages_rerouted_total{cause}}
 * (pushed to every gateway node because presence did not answer: {@code presence_unavailable}).
 */
public final class MichatMetrics {
  private static final Map<String, MichatMetrics> BY_REGISTRY = new ConcurrentHashMap<>();
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  public final AtomicLong sessionsOpen = new AtomicLong();
  public final AtomicLong queuedFrames = new AtomicLong();
  public final Counter messagesIn;
  public final Counter framesOut;
  public final Counter socketFlushes;
  public final Timer storeLatency;
  public final Timer deliveryLatency;
  public final DistributionSummary storeBatch;
  public final Timer storeTransaction;
  public final AtomicLong storeWaiting = new AtomicLong();
  private final MeterRegistry registry;
  private final Map<String, Counter> byCause = new ConcurrentHashMap<>();

  private MichatMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("michat.sessions.open", sessionsOpen, AtomicLong::get)
        .description("open chat WebSocket sessions on this JVM").register(registry);
    Gauge.builder("michat.outbound.queued.frames", queuedFrames, AtomicLong::get)
        .description("frames waiting in sessions' outbound queues for slow readers").register(registry);
    messagesIn = Counter.builder("michat.messages.in").description("chat frames accepted and stored by the router")
        .register(registry);
    framesOut = Counter.builder("michat.frames.out").description("chat messages written to sessions")
        .register(registry);
    socketFlushes = Counter.builder("michat.socket.flushes")
        .description("flushes of chat sockets, each sending every frame written to it since the last")
        .register(registry);
    storeLatency = Timer.builder("michat.store").description("storing one message: waiting for and running its batch's transaction")
        .register(registry);
    storeBatch = DistributionSummary.builder("michat.store.batch")
        .description("messages stored per transaction (group commit)").register(registry);
    storeTransaction = Timer.builder("michat.store.transaction")
        .description("one store transaction of a batch of messages").register(registry);
    Gauge.builder("michat.store.waiting", storeWaiting, AtomicLong::get)
        .description("messages waiting for a store transaction").register(registry);
    deliveryLatency = Timer.builder("michat.delivery")
        .description("from the router receiving a message to a gateway writing it to a socket").register(registry);
    Gauge.builder("michat.heap.used", MichatMetrics::heapUsed).baseUnit("bytes")
        .description("JVM heap in use, garbage included").register(registry);
    Gauge.builder("michat.heap.live", MichatMetrics::heapAfterLastGc).baseUnit("bytes")
        .description("JVM heap in use after the last garbage collection of each pool").register(registry);
    Gauge.builder("michat.process.rss", MichatMetrics::rss).baseUnit("bytes")
        .description("resident set size of the process (VmRSS of /proc/self/status; -1 elsewhere)").register(registry);
  }

  /**
   * The state of a dependency's guard: {@code up} 1 or 0, {@code breakerState} 0 closed, 1 half-open,
   * 2 open. The suppliers are held strongly here (Micrometer would hold them weakly).
   */
  public void dependency(String name, java.util.function.IntSupplier up, java.util.function.IntSupplier breakerState) {
    Gauge.builder("michat.dependency.up", up, s -> s.getAsInt()).tag("dependency", name).strongReference(true)
        .description("1 while the dependency answers, 0 while its breaker is open").register(registry);
    Gauge.builder("michat.dependency.breaker.state", breakerState, s -> s.getAsInt()).tag("dependency", name)
        .strongReference(true).description("the dependency's circuit breaker: 0 closed, 1 half-open, 2 open")
        .register(registry);
  }

  /** Messages refused (never stored) because of {@code cause}. */
  public Counter messagesRefused(String cause) {
    return byCause("michat.messages.refused", cause, "chat messages refused and never stored, by cause");
  }

  /** Messages sent to a dependency that did not answer in time (they may still be stored), by cause. */
  public Counter messagesDelayed(String cause) {
    return byCause("michat.messages.delayed", cause,
        "chat messages whose write the database did not answer in time (it may still carry it out), by cause");
  }

  /** Pushes sent to every gateway node instead of those of their recipients, by cause. */
  public Counter messagesRerouted(String cause) {
    return byCause("michat.messages.rerouted", cause,
        "pushes of stored messages published to every gateway node because presence did not answer, by cause");
  }

  private Counter byCause(String name, String cause, String description) {
    return byCause.computeIfAbsent(name + "|" + cause,
        k -> Counter.builder(name).tag("cause", cause).description(description).register(registry));
  }

  /** The registry name of a running michat: one per node id, so several can share a JVM (tests). */
  public static String registryName(MichatConfig cfg) {
    return "michat-" + cfg.string(ConfigKeys.NODE_ID);
  }

  /** This node's meters; no-op meters when metrics are off or the registry is not there. */
  public static MichatMetrics of(MichatConfig cfg) {
    String name = registryName(cfg);
    return BY_REGISTRY.computeIfAbsent(name, n -> {
      MeterRegistry registry = cfg.bool(ConfigKeys.METRICS_ENABLED) ? BackendRegistries.getNow(n) : null;
      return new MichatMetrics(registry != null ? registry : new CompositeMeterRegistry());
    });
  }

  /** Drops a stopped node's meters. */
  public static void forget(MichatConfig cfg) {
    BY_REGISTRY.remove(registryName(cfg));
  }

  public void recordStore(long startNanos) {
    storeLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void recordDelivery(long receivedAtMillis) {
    long ms = System.currentTimeMillis() - receivedAtMillis;
    if (ms >= 0) {
      deliveryLatency.record(ms, TimeUnit.MILLISECONDS);
    }
  }

  static double heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static double heapAfterLastGc() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        MemoryUsage after = pool.getCollectionUsage();
        sum += after != null ? after.getUsed() : pool.getUsage().getUsed();
      }
    }
    return sum;
  }

  static double rss() {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
