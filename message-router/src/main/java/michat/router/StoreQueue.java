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
import michat.contract.Rejection;
import michat.contract.RouterApi.ChatMessage;
import michat.dependency.DependencyFailure;
import michat.dependency.DependencyNoAnswer;
import michat.metrics.MichatMetrics;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import michat.storage.CommitUnknown;
import michat.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for chat messages: a message that arrives while {@code concurrency} store
 * transactions are running waits and is stored with the others that arrived meanwhile, in one
 * transaction of at most {@code maxBatch}. An idle router stores a lone message at once, so batching
 * costs no latency at low load and saves a transaction (and a disk sync) per message at high load.
 * A message still waiting when its sender's gateway is about to give up on it ({@code deadline}) is
 * refused {@code unavailable} and never written, so that refusal is the truth; one whose write has
 * begun is stored or not as the database decides. Used from the router verticle's event loop only.
 */
final class StoreQueue {
  private static final Logger LOG = LoggerFactory.getLogger(StoreQueue.class);
  /** The metrics cause of messages refused because too many wait ({@code michat_messages_refused_total}). */
  static final String QUEUE_FULL = "store_queue_full";
  /** What a refused message is told: nothing of it was stored. */
  static final String BEHIND = "messages are not being stored fast enough now; please try again";

  private record Pending(NewMessage message, long bytes, long deadline, Promise<Stored> done) {
    boolean expired(long now) {
      return now - deadline >= 0;
    }

    void refuse() {
      done.tryFail(new Rejection(Rejection.UNAVAILABLE,
          "not stored: the database did not answer in time, please send it again"));
    }
  }

  /** Writes a batch in one transaction ({@link MessageRepository#storeBatch}). */
  interface BatchWriter {
    Future<List<Stored>> storeBatch(List<NewMessage> batch);
  }

  private final BatchWriter repo;
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
  StoreQueue(BatchWriter repo, int maxBatch, int concurrency, int maxWaiting, long maxWaitingBytes,
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
   * with a {@link Rejection} ({@code unavailable}, nothing stored) when too much is waiting already or
   * it was not written before {@code deadline} ({@link System#nanoTime}); with a
   * {@link DependencyFailure} or {@link CommitUnknown} when the database did not answer.
   */
  Future<Stored> store(NewMessage message, long deadline) {
    long bytes = sizeOf(message);
    if (waiting.size() >= maxWaiting || waitingBytes + bytes > maxWaitingBytes) {
      metrics.messagesRefused(QUEUE_FULL).increment();
      return Future.failedFuture(new Rejection(Rejection.UNAVAILABLE, BEHIND));
    }
    Promise<Stored> done = Promise.promise();
    waiting.add(new Pending(message, bytes, deadline, done));
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
    dropExpired();
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
   * Refuses the waiting messages whose gateways are about to give up on them; called on every store
   * and every 250 ms. Deadlines (a fixed wait after the router took the message) grow with the order of
   * the queue but for the time recipients took to look up, well inside the 2 s the gateway still waits,
   * and batches keep that order: the expired ones are at the head, no scan of the queue per message.
   */
  void dropExpired() {
    long now = System.nanoTime();
    while (!waiting.isEmpty() && waiting.peekFirst().expired(now)) {
      Pending p = waiting.pollFirst();
      waitingBytes -= p.bytes;
      metrics.storeWaiting.decrementAndGet();
      p.refuse();
    }
  }

  /**
   * One transaction for the batch. When the database refused it, each message is tried alone: one
   * message the database refuses must not take the others with it.
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
            // Storing each alone would only ask the database again; the guard logs the outage once
            // and counts what it cost.
            outage.countMessages(batch.size());
          }
          if (Database.mayHaveWritten(err)) {
            // It may still store them (a write to a frozen database runs after the thaw): never try
            // again, which could store a message twice; say what became of each once known.
            Future<List<Stored>> late = err instanceof DependencyNoAnswer noAnswer
                ? noAnswer.lateOutcome().map(StoreQueue::asStored) : Future.failedFuture(err);
            for (int i = 0; i < batch.size(); i++) {
              int at = i;
              batch.get(i).done.tryFail(new Unconfirmed(err, late.map(list -> list.get(at))));
            }
            return Future.succeededFuture();
          }
          if (batch.size() == 1 || err instanceof DependencyFailure) {
            batch.forEach(p -> p.done.tryFail(err));
            return Future.succeededFuture();
          }
          LOG.warn("storing a batch of {} messages failed ({}); storing each alone", batch.size(), err.toString());
          // one after the other, in arrival order: a sender's messages keep their order
          Future<Void> inOrder = Future.succeededFuture();
          for (Pending p : batch) {
            inOrder = inOrder.compose(v -> {
              if (p.expired(System.nanoTime())) {
                p.refuse();
                return Future.succeededFuture();
              }
              return store(List.of(p));
            });
          }
          return inOrder;
        });
  }

  @SuppressWarnings("unchecked")
  private static List<Stored> asStored(Object batchResult) {
    return (List<Stored>) batchResult;   // what MessageRepository's transaction completes with
  }

  /** Roughly what a waiting message holds on the heap: its text twice (parsed and raw), and the rest. */
  private static long sizeOf(NewMessage m) {
    ChatMessage f = m.message();
    return 256L + 2L * (f.payload().length() + f.content().length() + f.url().length());
  }
}
