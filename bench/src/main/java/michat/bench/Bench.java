package michat.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * michat's load generator. {@code java -jar bench/target/michat-bench.jar private --url
 * http://127.0.0.1:8080 --sessions 1000 --rate 2000 --duration 30}. Prints progress lines on
 * standard error, then a table and, as the last line of standard output, one JSON object.
 */
public final class Bench implements AutoCloseable {
  private final BenchOptions o;
  private final Vertx vertx;
  private final HttpClient http;

  Bench(BenchOptions o) {
    this.o = o;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.loops).setBlockedThreadCheckInterval(10_000));
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    if (args.length > 0 && args[0].equals("faults")) {   // starts its own cluster: options of its own
      System.exit(michat.bench.faults.FaultMatrix.main(args));
      return;
    }
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (RuntimeException e) {
      System.err.println("bench: " + e.getMessage() + "\n" + BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    int code;
    try (Bench bench = new Bench(o)) {
      if (o.scenario.equals("charts")) {
        code = Charts.sweep(bench, o) ? 0 : 1;
      } else {
        Report warmup = bench.warmUp(o);
        Report r = bench.run(o);
        System.out.print(r.table());
        System.out.println(r.json());
        code = r.ok() && (warmup == null || warmup.ok()) ? 0 : 1;
      }
    } catch (RuntimeException e) {
      System.err.println("bench: " + e.getMessage());
      code = 2;
    }
    System.exit(code);
  }

  /**
   * With {@code --warmup S}: the scenario once for S seconds (its own users), not counted; its summary
   * on standard error. Its report, or null without a warm-up; one that lost or duplicated anything
   * fails the bench too.
   */
  Report warmUp(BenchOptions opts) {
    if (opts.warmupSeconds == 0) {
      return null;
    }
    BenchOptions w = opts.copy();
    w.durationSeconds = opts.warmupSeconds;
    Report r = run(w);
    System.err.println("bench: warm-up (" + opts.warmupSeconds + " s, not counted): " + r.summary());
    if (!r.ok()) {
      System.err.print(r.table());
    }
    return r;
  }

  /** Runs one scenario (connections, private or group) with these options. */
  Report run(BenchOptions opts) {
    return switch (opts.scenario) {
      case "connections" -> connections(opts);
      case "private" -> privateChat(opts);
      case "group" -> groupChat(opts);
      default -> throw new IllegalArgumentException("unknown scenario " + opts.scenario);
    };
  }

  // ---- scenarios ----

  private Report connections(BenchOptions opts) {
    Seeder.Seed seed = Seeder.seed(http, opts, opts.sessions, 0, 0, 0);
    Accounting acct = new Accounting(0, 0);
    List<SessionLoop> loops = deploy(opts, acct, seed.sessions());
    try {
      ServerMetrics.gc(opts);
      ServerMetrics before = ServerMetrics.scrape(http, opts);
      long t0 = System.nanoTime();
      connect(opts, loops);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      hold(opts, loops, Math.max(2, opts.holdSeconds));
      ServerMetrics.gc(opts);
      ServerMetrics after = ServerMetrics.scrape(http, opts);
      int failures = sum(loops, l -> l.connectFailures.get());
      int open = opts.sessions - failures;
      Report r = base("connections", opts, seed);
      r.put("sessions", opts.sessions).put("connected", open).put("connect_failures", failures)
          .put("connect_seconds", connectSeconds).put("connect_rate_per_s", open / connectSeconds)
          .put("hold_seconds", opts.holdSeconds)
          .put("closed_by_server", sum(loops, l -> l.closedByServer.get()))
          .put("server_sessions_open", after.get("michat_sessions_open"));
      perSession(r, before, after, open, "michat_heap_used_bytes", "server_heap_used_bytes_per_session");
      perSession(r, before, after, open, "michat_heap_live_bytes", "server_heap_live_bytes_per_session");
      perSession(r, before, after, open, "michat_process_rss_bytes", "server_rss_bytes_per_session");
      r.put("server_heap_used_mb_after", after.get("michat_heap_used_bytes") / 1e6)
          .put("server_rss_mb_after", after.get("michat_process_rss_bytes") / 1e6)
          .put("server_gc_forced", opts.serverPid != null);
      return r;
    } finally {
      undeploy(loops);
    }
  }

  private Report privateChat(BenchOptions opts) {
    int friends = Math.min(opts.friends, (opts.sessions - 1) / 2);
    if (friends < 1) {
      throw new IllegalArgumentException("private needs at least 3 sessions");
    }
    Seeder.Seed seed = Seeder.seed(http, opts, opts.sessions, friends, 0, 0);
    Accounting acct = new Accounting(opts.sessions, 0);
    List<BenchSession> all = seed.sessions();
    SessionLoop.Sender sender = (loop, from, rnd) -> {
      int d = 1 + rnd.nextInt(friends);
      int to = Math.floorMod(from.index + (rnd.nextBoolean() ? d : -d), all.size());
      int n = acct.inbox[to].getAndIncrement();
      acct.sent.incrementAndGet();
      acct.expected.incrementAndGet();
      loop.write(from, "{\"TargetId\":" + all.get(to).userId + ",\"Type\":1,\"CreateTime\":" + System.currentTimeMillis()
          + ",\"Media\":1,\"Content\":\"bench\",\"bs\":-1,\"bn\":" + n + clientId(opts, "i" + to, n)
          + ",\"bt\":" + System.nanoTime() + "}", 1);
    };
    return traffic("private", opts, seed, acct, sender, 1);
  }

  private Report groupChat(BenchOptions opts) {
    Seeder.Seed seed = Seeder.seed(http, opts, opts.sessions, 0, opts.groups, opts.groupSize);
    Accounting acct = new Accounting(opts.sessions, opts.groups);
    long[] groupIds = seed.groupIds();
    int size = opts.groupSize;
    SessionLoop.Sender sender = (loop, from, rnd) -> {
      if (from.groups.length == 0) {
        return;
      }
      int g = from.groups[rnd.nextInt(from.groups.length)];
      int n = acct.group[g].getAndIncrement();
      acct.sent.incrementAndGet();
      acct.expected.addAndGet(size);
      loop.write(from, "{\"TargetId\":" + groupIds[g] + ",\"Type\":2,\"CreateTime\":" + System.currentTimeMillis()
          + ",\"Media\":1,\"Content\":\"bench\",\"bs\":" + g + ",\"bn\":" + n + clientId(opts, "g" + g, n)
          + ",\"bt\":" + System.nanoTime() + "}", size);
    };
    Report r = traffic("group", opts, seed, acct, sender, size);
    return r;
  }

  /** Connects everyone, sends for the duration with progress lines, drains, counts. */
  private Report traffic(String name, BenchOptions opts, Seeder.Seed seed, Accounting acct, SessionLoop.Sender sender,
                         int fanout) {
    List<SessionLoop> loops = deploy(opts, acct, seed.sessions());
    try {
      connect(opts, loops);
      int failures = sum(loops, l -> l.connectFailures.get());
      if (failures > 0) {
        Report r = base(name, opts, seed).put("connect_failures", failures);
        r.put("error", "sessions failed to connect; not sending");
        return r;
      }
      ServerMetrics before = ServerMetrics.scrape(http, opts);
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(opts.durationSeconds);
      double perLoop = (double) opts.rate / loops.size();
      List<Future<Void>> sending = new ArrayList<>();
      for (SessionLoop l : loops) {
        sending.add(l.on(() -> l.send(perLoop, end, sender)));
      }
      progressUntil(name, opts, acct, loops, () -> System.nanoTime() >= end, start);
      await(Future.all(sending), opts.durationSeconds + 60);
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      // stragglers: wait until everything expected arrived, or nothing arrived for 3 s, or --drain
      long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.drainSeconds);
      long lastCount = -1;
      long lastChange = System.nanoTime();
      while (System.nanoTime() < drainEnd) {
        long got = acct.received.get() + acct.unsent.get();
        if (got >= acct.expected.get()) {
          break;
        }
        if (got != lastCount) {
          lastCount = got;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(3)) {
          break;
        }
        sleep(100);
      }
      sleep(300);   // late duplicates, if any, show up here
      ServerMetrics after = ServerMetrics.scrape(http, opts);
      acct.roll();
      Histogram h = acct.total();
      long lost = 0;
      for (SessionLoop l : loops) {
        for (BenchSession s : l.sessions) {
          lost += s.lost(acct);
        }
      }
      lost = Math.max(0, lost - acct.unsent.get());
      double deliverSeconds = acct.lastReceiveNanos > start ? (acct.lastReceiveNanos - start) / 1e9 : sendSeconds;
      Report r = base(name, opts, seed);
      if (name.equals("group")) {
        r.put("groups", opts.groups).put("group_size", opts.groupSize);
      }
      r.put("sessions", opts.sessions).put("offered_rate_per_s", opts.rate).put("duration_s", opts.durationSeconds)
          .put("sent", acct.sent.get()).put("sent_per_s", acct.sent.get() / sendSeconds)
          .put("protocol", opts.protocol);
      if (opts.protocol == 2) {
        // every message written gets an acknowledgement or an error frame (rejected)
        long unsentMessages = name.equals("group") ? acct.unsent.get() / Math.max(1, opts.groupSize) : acct.unsent.get();
        r.put("acknowledged", acct.acknowledged.get()).put("acknowledged_per_s", acct.acknowledged.get() / sendSeconds)
            .put("unacknowledged", Math.max(0, acct.sent.get() - unsentMessages - acct.rejected.get() - acct.acknowledged.get()));
      }
      r.put("expected_deliveries", acct.expected.get())
          .put("delivered", acct.received.get()).put("delivered_per_s", acct.received.get() / deliverSeconds)
          .put("latency_p50_ms", h.getValueAtPercentile(50) / 1000.0)
          .put("latency_p90_ms", h.getValueAtPercentile(90) / 1000.0)
          .put("latency_p99_ms", h.getValueAtPercentile(99) / 1000.0)
          .put("latency_p999_ms", h.getValueAtPercentile(99.9) / 1000.0)
          .put("latency_max_ms", h.getMaxValue() / 1000.0)
          .put("lost", lost).put("duplicated", acct.duplicates.get()).put("rejected", acct.rejected.get())
          .put("unsent", acct.unsent.get())
          .put("connect_failures", 0).put("closed_by_server", sum(loops, l -> l.closedByServer.get()));
      serverFigures(r, before, after);
      return r;
    } finally {
      undeploy(loops);
    }
  }

  // ---- helpers ----

  /** Protocol 2: a client message id, unique per stream and index (so per sender too). */
  private static String clientId(BenchOptions opts, String stream, int n) {
    return opts.protocol == 2 ? ",\"clientMsgId\":\"" + stream + "." + n + "\"" : "";
  }

  private Report base(String scenario, BenchOptions opts, Seeder.Seed seed) {
    return new Report().put("scenario", scenario).put("url", opts.url).put("seed_ms", seed.millis());
  }

  private static void serverFigures(Report r, ServerMetrics before, ServerMetrics after) {
    if (!after.available()) {
      r.put("server_metrics", "unavailable");
      return;
    }
    r.put("server_messages_in", after.get("michat_messages_in_total") - before.get("michat_messages_in_total"))
        .put("server_frames_out", after.get("michat_frames_out_total") - before.get("michat_frames_out_total"))
        .put("server_store_mean_ms", mean(before, after, "michat_store_seconds") * 1000)
        .put("server_delivery_mean_ms", mean(before, after, "michat_delivery_seconds") * 1000)
        .put("server_store_max_ms", after.get("michat_store_seconds_max") * 1000)
        .put("server_outbound_queued_frames", after.get("michat_outbound_queued_frames"))
        .put("server_heap_used_mb", after.get("michat_heap_used_bytes") / 1e6)
        .put("server_rss_mb", after.get("michat_process_rss_bytes") / 1e6);
  }

  private static double mean(ServerMetrics before, ServerMetrics after, String timer) {
    double count = after.get(timer + "_count") - before.get(timer + "_count");
    double sum = after.get(timer + "_sum") - before.get(timer + "_sum");
    return count > 0 ? sum / count : Double.NaN;
  }

  private static void perSession(Report r, ServerMetrics before, ServerMetrics after, int sessions, String metric,
                                 String key) {
    double delta = after.get(metric) - before.get(metric);
    r.put(key, sessions > 0 ? delta / sessions : Double.NaN);
  }

  private List<SessionLoop> deploy(BenchOptions opts, Accounting acct, List<BenchSession> sessions) {
    List<SessionLoop> loops = new ArrayList<>();
    for (int i = 0; i < opts.loops; i++) {
      loops.add(new SessionLoop(opts, acct));
    }
    for (BenchSession s : sessions) {
      loops.get(s.index % loops.size()).sessions.add(s);
    }
    for (SessionLoop l : loops) {
      l.deploymentId = await(vertx.deployVerticle(l), 30);
    }
    return loops;
  }

  /**
   * Connects every session at the connect rate. Heartbeats start first, as a real client's do from its
   * first second: a connect phase longer than the server's idle limit (60 s by default; 16,700
   * sessions at ~130/s take 2 minutes) would otherwise see its first sessions closed as idle.
   */
  private void connect(BenchOptions opts, List<SessionLoop> loops) {
    long start = System.nanoTime();
    double perLoop = (double) opts.connectRate / loops.size();
    List<Future<Void>> connecting = new ArrayList<>();
    for (SessionLoop l : loops) {
      connecting.add(l.on(() -> {
        l.startHeartbeats(opts.heartbeatSeconds);
        return l.connectAll(perLoop);
      }));
    }
    Future<?> all = Future.all(connecting);
    progressUntil("connect", opts, null, loops, all::isComplete, start);
    await(all, 600);
  }

  private void hold(BenchOptions opts, List<SessionLoop> loops, int seconds) {
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    progressUntil("hold", opts, null, loops, () -> System.nanoTime() >= end, start);
  }

  private void progressUntil(String phase, BenchOptions opts, Accounting acct, List<SessionLoop> loops,
                             java.util.function.BooleanSupplier done, long start) {
    long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressSeconds);
    long lastSent = 0;
    long lastReceived = 0;
    long lastAt = start;
    while (!done.getAsBoolean()) {
      sleep(50);
      long now = System.nanoTime();
      if (now < nextReport || opts.quiet) {
        continue;
      }
      nextReport = now + TimeUnit.SECONDS.toNanos(opts.progressSeconds);
      double secs = (now - lastAt) / 1e9;
      long t = Math.round((now - start) / 1e9);
      if (acct == null) {
        long welcomed = loops.stream().flatMap(l -> l.sessions.stream()).filter(s -> s.welcomed).count();
        System.err.printf("[%s] %ds sessions %d/%d failed %d closed-by-server %d%n", phase, t, welcomed,
            loops.stream().mapToInt(l -> l.sessions.size()).sum(), sum(loops, l -> l.connectFailures.get()),
            sum(loops, l -> l.closedByServer.get()));
      } else {
        Histogram h = acct.roll();
        long sent = acct.sent.get();
        long received = acct.received.get();
        System.err.printf("[%s] %ds sent %d (%.0f/s) delivered %d (%.0f/s) p50 %.1f ms p99 %.1f ms max %.1f ms dup %d%n",
            phase, t, sent, (sent - lastSent) / secs, received, (received - lastReceived) / secs,
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
            acct.duplicates.get());
        lastSent = sent;
        lastReceived = received;
      }
      lastAt = now;
    }
  }

  private void undeploy(List<SessionLoop> loops) {
    for (SessionLoop l : loops) {
      try {
        await(l.on(l::closeAll), 30);
        await(vertx.undeploy(l.deploymentId), 30);
      } catch (RuntimeException e) {
        System.err.println("[bench] closing sessions: " + e.getMessage());
      }
    }
  }

  private static int sum(List<SessionLoop> loops, java.util.function.ToIntFunction<SessionLoop> f) {
    return loops.stream().mapToInt(f).sum();
  }

  static <T> T await(Future<T> f, long seconds) {
    try {
      return f.await(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
  }

  static ThreadLocalRandom rnd() {
    return ThreadLocalRandom.current();
  }
}
