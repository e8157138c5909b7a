package michat.router;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import michat.model.Failures;

/**
 * Runs at most {@code limit} tasks of one kind at once and queues the others in arrival order. A task
 * that waited longer than {@code maxWaitMs} is refused without running: whoever asked has given up
 * (the gateway waits 10 s for a catch-up, then lets the session go live; gap fills and the next
 * connect bring the backlog), and running it anyway would only lengthen the queue.
 *
 * <p>Why: on connect every session asks for its backlog. A reconnect storm beyond what the store can
 * answer — 16,000 sessions at ~1,000/s on the embedded store — queued catch-up queries in the SQL
 * pools faster than they ran, and for minutes messages waited behind them for a connection (and group
 * messages for their member lists) until they timed out. Bounded, catch-ups take a few connections and
 * messages keep the rest. Used from the router verticle's event loop only.
 */
final class Admission {
  private record Waiting(Runnable start, Promise<?> done, long since) {}

  private final int limit;
  private final long maxWaitMs;
  private final LongSupplier clock;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int running;

  Admission(int limit, long maxWaitMs) {
    this(limit, maxWaitMs, System::currentTimeMillis);
  }

  Admission(int limit, long maxWaitMs, LongSupplier clock) {
    this.limit = limit;
    this.maxWaitMs = maxWaitMs;
    this.clock = clock;
  }

  /** Completes as the task does, or fails unrun when it waited too long. */
  <T> Future<T> run(Supplier<Future<T>> task) {
    Promise<T> done = Promise.promise();
    waiting.add(new Waiting(() -> start(task, done), done, clock.getAsLong()));
    next();
    return done.future();
  }

  int waiting() {
    return waiting.size();
  }

  private <T> void start(Supplier<Future<T>> task, Promise<T> done) {
    Future<T> result;
    try {
      result = task.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      running--;
      done.handle(ar);
      next();
    });
  }

  private void next() {
    while (running < limit && !waiting.isEmpty()) {
      Waiting w = waiting.poll();
      long waited = clock.getAsLong() - w.since;
      if (waited > maxWaitMs) {
        // 503, answered without an error log: an overload outcome; the gateway says what it means
        w.done.fail(Failures.of(Failures.UNAVAILABLE, "busy: waited " + waited + " ms for one of " + limit
            + " places, longer than its requester waits"));
        continue;
      }
      running++;
      w.start.run();
    }
  }
}
