package michat.router;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import michat.dependency.DependencyFailure;
import michat.metrics.MichatMetrics;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for chat messages: a message that arrives while {@code concurrency} store
 * transactions are running waits and is stored with the others that arrived meanwhile, in one
 * transaction of at most {@code maxBatch}. An idle router stores a lone message at once, so batching
 * costs no latency at low load and saves a transaction (and a disk sync) per message at high load.
 * Used from the router verticle's event loop only.
 */
final class StoreQueue {
  private static final Logger LOG = LoggerFactory.getLogger(StoreQueue.class);
  /** The metrics cause of messages refused because too many wait ({@code michat_messages_refused_total}). */
  static final String QUEUE_FULL = "store_queue_full";
  private record Pending(NewMessage message, long bytes, Promise<Stored> done) {}
  /** What a refused message is told: nothing of it was stored. */
  static final String BEHIND = "messages are not being stored fast enough now; please try again";

  private final MessageRepository repo;
  private final MichatMetrics metrics;
  private final int maxBatch;
  private final int concurrency;
  private final int maxWaiting;
  private final long maxWaitingBytes;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private long waitingBytes;
  private int running;
  /** Conversations of the running batches. */
  private final Set<String> busy = new HashSet<>();

  /**
   * At most {@code maxWaiting} messages and {@code maxWaitingBytes} wait for a transaction (besides
   * the {@code concurrency} batches being stored): while the database is slow or frozen, more are
   * refused at once instead of pinning memory.
   */
  StoreQueue(MessageRepository repo, int maxBatch, int concurrency, int maxWaiting, long maxWaitingBytes,
             MichatMetrics metrics) {
    this.repo = repo;
    this.metrics = metrics;
    this.maxBatch = maxBatch;
    this.concurrency = concurrency;
    this.maxWaiting = maxWaiting;
    this.maxWaitingBytes = maxWaitingBytes;
  }

  /**
   * Completes when the message is durably stored (or was already, for a repeated client id). Fails
   * with a {@link Rejection} ({@code unavailable}, nothing stored) when too much is waiting already,
   * with a {@link michat.dependency.DependencyFailure} when the database did not answer.
   */
  Future<Stored> store(NewMessage message) {
    long bytes = sizeOf(message);
    if (waiting.size() >= maxWaiting || waitingBytes + bytes > maxWaitingBytes) {
      metrics.messagesRefused(QUEUE_FULL).increment();
      return Future.failedFuture(new Rejection(Rejection.UNAVAILABLE, BEHIND));
    }
    Promise<Stored> done = Promise.promise();
    waiting.add(new Pending(message, bytes, done));
    waitingBytes += bytes;
    metrics.storeWaiting.incrementAndGet();
    startBatches();
    return done.future();
  }

  /**
   * Starts batches while fewer than {@code concurrency} run. A batch leaves out conversations that a
   * running one holds (their messages wait, in order): its transaction would only wait for that
   * one's row locks, and every message of a conversation stays behind the earlier ones.
   */
  private void startBatches() {
    while (running < concurrency && !waiting.isEmpty()) {
      List<Pending> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
      Set<String> taken = new HashSet<>();
      Iterator<Pending> it = waiting.iterator();
      while (batch.size() < maxBatch && it.hasNext()) {
        Pending p = it.next();
        if (!busy.contains(p.message.conversation())) {
          batch.add(p);
          taken.add(p.message.conversation());
          it.remove();
          waitingBytes -= p.bytes;
        }
      }
      if (batch.isEmpty()) {
        return;   // everything waiting belongs to running batches
      }
      metrics.storeWaiting.addAndGet(-batch.size());
      metrics.storeBatch.record(batch.size());
      running++;
      busy.addAll(taken);
      store(batch).onComplete(done -> {
        running--;
        busy.removeAll(taken);
        startBatches();
      });
    }
  }

  /**
   * One transaction for the batch. When it fails, each message is tried alone: one message the
   * database refuses must not take the others with it (when the database is down, all fail anyway).
   */
  private Future<Void> store(List<Pending> batch) {
    long start = System.nanoTime();
    return repo.storeBatch(batch.stream().map(Pending::message).toList())
        .onSuccess(stored -> {
          metrics.storeTransaction.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done.complete(stored.get(i));
          }
        })
        .<Void>mapEmpty()
        .recover(err -> {
          if (err instanceof DependencyFailure outage) {
            // the database did not answer: storing each alone would only ask it again; the guard
            // logs the outage once and counts what it cost
            outage.countMessages(batch.size());
            batch.forEach(p -> p.done.fail(err));
            return Future.succeededFuture();
          }
          if (batch.size() == 1) {
            batch.get(0).done.fail(err);
            return Future.succeededFuture();
          }
          LOG.warn("storing a batch of {} messages failed ({}); storing each alone", batch.size(), err.toString());
          // one after the other, in arrival order: a sender's messages keep their order
          Future<Void> inOrder = Future.succeededFuture();
          for (Pending p : batch) {
            inOrder = inOrder.compose(v -> store(List.of(p)));
          }
          return inOrder;
        });
  }

  /** Roughly what a waiting message holds on the heap: its frame's text twice (parsed and raw), and the rest. */
  private static long sizeOf(NewMessage m) {
    ChatFrame f = m.frame();
    return 256L + 2L * (f.payload().length() + (f.content() == null ? 0 : f.content().length())
        + (f.url() == null ? 0 : f.url().length()));
  }
}
