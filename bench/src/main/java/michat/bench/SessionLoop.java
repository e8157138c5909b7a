package michat.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The sessions of one bench event loop: connects them at a rate, sends their heartbeats and their
 * share of the offered messages. Everything runs on this verticle's event loop; the orchestrator
 * calls in through {@link #on}.
 */
final class SessionLoop extends VerticleBase {
  /** Handshakes in flight at once per loop. */
  private static final int MAX_CONNECTING = 256;
  private static final long TICK_MS = 10;

  /** Sends one message from one of this loop's sessions. */
  interface Sender {
    void send(SessionLoop loop, BenchSession from, ThreadLocalRandom rnd);
  }

  final List<BenchSession> sessions = new ArrayList<>();
  private final BenchOptions o;
  final Accounting acct;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  final AtomicInteger connectFailures = new AtomicInteger();
  final AtomicInteger closedByServer = new AtomicInteger();
  private volatile boolean closing;
  String deploymentId;

  SessionLoop(BenchOptions o, Accounting acct) {
    this.o = o;
    this.acct = acct;
  }

  @Override
  public Future<?> start() {
    List<String> sources = o.sourceAddresses.isEmpty() ? java.util.Collections.singletonList(null) : o.sourceAddresses;
    for (String source : sources) {
      WebSocketClientOptions opts = new WebSocketClientOptions().setMaxConnections(Integer.MAX_VALUE)
          .setConnectTimeout(30_000).setTcpNoDelay(true);
      if (source != null) {
        opts.setLocalAddress(source);
      }
      clients.add(vertx.createWebSocketClient(opts));
    }
    return Future.succeededFuture();
  }

  /** Runs {@code work} on this loop's event loop. */
  <T> Future<T> on(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  /** Opens every session at {@code perSecond}; completes when each is welcomed or has failed. */
  Future<Void> connectAll(double perSecond) {
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    int[] next = {0};
    int[] inFlight = {0};
    int[] finished = {0};
    if (sessions.isEmpty()) {
      return Future.succeededFuture();
    }
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(TICK_MS, id -> {
      double elapsed = (System.nanoTime() - start) / 1e9;
      long due = Math.min(sessions.size(), (long) Math.ceil(elapsed * perSecond) + 1);
      while (next[0] < due && inFlight[0] < MAX_CONNECTING) {
        BenchSession s = sessions.get(next[0]++);
        inFlight[0]++;
        connect(s).onComplete(ar -> {
          inFlight[0]--;
          finished[0]++;
          if (ar.failed()) {
            connectFailures.incrementAndGet();
            if (connectFailures.get() <= 5) {
              System.err.println("[bench] session of user " + s.userId + " failed: " + ar.cause().getMessage());
            }
          }
          if (finished[0] == sessions.size()) {
            vertx.cancelTimer(timer[0]);
            done.tryComplete();
          }
        });
      }
    });
    return done.future();
  }

  private Future<Void> connect(BenchSession s) {
    WebSocketClient client = clients.get(s.index % clients.size());
    Promise<Void> welcome = Promise.promise();
    s.welcome = welcome;
    return client.connect(new WebSocketConnectOptions().setHost(o.host()).setPort(o.port())
            .setURI("/chat?token=" + s.token + (o.protocol == 2 ? "&v=2" : "")))
        .compose(ws -> {
          s.ws = ws;
          ws.textMessageHandler(text -> s.onText(text, acct));
          ws.closeHandler(v -> {
            s.closeCode = ws.closeStatusCode();
            if (!closing) {
              s.closedByServer = true;
              closedByServer.incrementAndGet();
            }
          });
          ws.exceptionHandler(err -> { });
          return welcome.future().timeout(30, TimeUnit.SECONDS);
        });
  }

  /** Every session sends a heartbeat every {@code seconds}, spread over the period. */
  void startHeartbeats(int seconds) {
    int[] tick = {0};
    timers.add(vertx.setPeriodic(1000, id -> {
      int slot = tick[0]++ % seconds;
      String beat = "{\"TargetId\":0,\"Type\":3,\"CreateTime\":" + System.currentTimeMillis()
          + ",\"Media\":-1,\"Content\":\"心跳\"}";
      for (BenchSession s : sessions) {
        if (s.index % seconds == slot && s.ws != null && !s.ws.isClosed()) {
          s.ws.writeTextMessage(beat);
        }
      }
    }));
  }

  /** Sends {@code perSecond} messages (this loop's share) until {@code endNanos}; completes then. */
  Future<Void> send(double perSecond, long endNanos, Sender sender) {
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    long[] sent = {0};
    long[] timer = new long[1];
    if (sessions.isEmpty()) {
      return Future.succeededFuture();
    }
    timer[0] = vertx.setPeriodic(TICK_MS, id -> {
      long now = System.nanoTime();
      if (now >= endNanos) {
        vertx.cancelTimer(timer[0]);
        done.tryComplete();
        return;
      }
      long due = (long) ((now - start) / 1e9 * perSecond);
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (sent[0] < due) {
        sent[0]++;
        sender.send(this, sessions.get(rnd.nextInt(sessions.size())), rnd);
      }
    });
    return done.future();
  }

  /** Writes a chat frame; a failed write counts its deliveries as never sent. */
  void write(BenchSession from, String frame, int fanout) {
    if (from.ws == null || from.ws.isClosed()) {
      acct.unsent.addAndGet(fanout);
      return;
    }
    from.ws.writeTextMessage(frame).onFailure(err -> acct.unsent.addAndGet(fanout));
  }

  Future<Void> closeAll() {
    closing = true;
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    List<Future<?>> closes = new ArrayList<>();
    for (BenchSession s : sessions) {
      if (s.ws != null && !s.ws.isClosed()) {
        closes.add(s.ws.close().otherwiseEmpty());
      }
    }
    return Future.join(closes).<Void>mapEmpty().otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    return Future.join(clients.stream().map(WebSocketClient::close).toList());
  }
}
