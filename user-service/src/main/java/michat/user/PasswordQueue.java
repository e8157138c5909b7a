package michat.user;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import michat.contract.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every password is hashed or checked: a few dedicated threads (not Vert.x's shared worker
 * pool, which also runs the embedded store's SQL), so that a flood of logins costs at most those
 * threads' share of the CPU and chat keeps the rest. On a 2-core machine one thread leaves a core to
 * the event loops and the store.
 *
 * <p>Fair: each client address has its own line and the threads serve the lines in turn, so one
 * address's flood delays another address's login by at most one job per busy address, not by the
 * whole flood. Bounded: beyond {@code maxWaiting} jobs in all, or {@code maxPerAddress} from one
 * address, a job is refused at once (503 with Retry-After). A job that waited longer than its caller
 * waits for the answer is dropped without being computed.
 */
final class PasswordQueue {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordQueue.class);

  record Limits(int threads, int maxWaiting, int maxPerAddress, long maxWaitMs) {}

  private final Vertx vertx;
  private final PasswordHasher hasher;
  private final Limits limits;
  private final Object lock = new Object();
  /** Waiting jobs by address, and the addresses with waiting jobs in the order they are served. */
  private final Map<String, ArrayDeque<Job<?>>> lines = new HashMap<>();
  private final ArrayDeque<String> turns = new ArrayDeque<>();
  private final List<Thread> threads = new ArrayList<>();
  private int waiting;
  private boolean closed;
  /** Moving average of one job's duration, for the Retry-After of a refusal. */
  private volatile long averageNanos = TimeUnit.MILLISECONDS.toNanos(250);

  PasswordQueue(Vertx vertx, PasswordHasher hasher, Limits limits) {
    this.vertx = vertx;
    this.hasher = hasher;
    this.limits = limits;
    for (int i = 0; i < limits.threads(); i++) {
      Thread t = new Thread(this::work, "michat-password-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** A new hash of {@code password}, computed in {@code address}'s turn. */
  Future<String> hash(String address, String password) {
    return submit(address, () -> hasher.hash(password));
  }

  /** Whether {@code password} matches the stored hash, checked in {@code address}'s turn. */
  Future<Boolean> matches(String address, String password, String storedHash) {
    return submit(address, () -> hasher.matches(password, storedHash));
  }

  /** Refuses what still waits and stops the threads. */
  void close() {
    List<Job<?>> dropped = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      lines.values().forEach(dropped::addAll);
      lines.clear();
      turns.clear();
      waiting = 0;
      lock.notifyAll();
    }
    dropped.forEach(job -> job.refuse(1));
  }

  private <T> Future<T> submit(String address, Callable<T> work) {
    Job<T> job = new Job<>(vertx.getOrCreateContext(), work, System.nanoTime());
    synchronized (lock) {
      ArrayDeque<Job<?>> line = lines.get(address);
      int mine = line == null ? 0 : line.size();
      if (closed || waiting >= limits.maxWaiting() || mine >= limits.maxPerAddress()) {
        long seconds = retryAfterSeconds(Math.max(mine * Math.max(1, turns.size()), waiting));
        return Refusal.BUSY.fail(seconds);
      }
      if (line == null) {
        line = new ArrayDeque<>();
        lines.put(address, line);
        turns.addLast(address);
      }
      line.addLast(job);
      waiting++;
      lock.notify();
    }
    return job.promise.future();
  }

  private long retryAfterSeconds(int jobsAhead) {
    long nanos = jobsAhead * averageNanos / limits.threads();
    return Math.max(1, Math.min(60, TimeUnit.NANOSECONDS.toSeconds(nanos) + 1));
  }

  private void work() {
    Job<?> job;
    while ((job = next()) != null) {
      long started = System.nanoTime();
      if (started - job.queuedAt > TimeUnit.MILLISECONDS.toNanos(limits.maxWaitMs())) {
        job.refuse(retryAfterSeconds(waiting));
        continue;
      }
      job.run();
      averageNanos = (averageNanos * 7 + (System.nanoTime() - started)) / 8;
    }
  }

  /** The next job in round-robin order of addresses; null once closed. */
  private Job<?> next() {
    synchronized (lock) {
      while (waiting == 0 && !closed) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
      if (closed) {
        return null;
      }
      String address = turns.pollFirst();
      ArrayDeque<Job<?>> line = lines.get(address);
      Job<?> job = line.pollFirst();
      waiting--;
      if (line.isEmpty()) {
        lines.remove(address);
      } else {
        turns.addLast(address);
      }
      return job;
    }
  }

  /** One computation; its result is delivered on the caller's context (the verticle's event loop). */
  private static final class Job<T> {
    final Context context;
    final Callable<T> work;
    final long queuedAt;
    final Promise<T> promise = Promise.promise();

    Job(Context context, Callable<T> work, long queuedAt) {
      this.context = context;
      this.work = work;
      this.queuedAt = queuedAt;
    }

    void run() {
      try {
        T result = work.call();
        context.runOnContext(v -> promise.complete(result));
      } catch (Exception e) {
        LOG.error("password job failed", e);
        context.runOnContext(v -> promise.fail(e));
      }
    }

    void refuse(long seconds) {
      context.runOnContext(v -> promise.fail(
          Refusal.BUSY.failure(seconds)));
    }
  }
}
