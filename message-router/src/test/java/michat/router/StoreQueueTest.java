package michat.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.contract.RouterApi.ChatMessage;
import michat.model.MessagePayload;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import michat.contract.Rejection;
import michat.storage.CommitUnknown;
import michat.storage.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit on the embedded store: messages queued while a transaction runs share the next one,
 * and one message the database refuses does not take the others of its batch down with it.
 */
class StoreQueueTest {
  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @AfterEach
  void close() throws Exception {
    if (pool != null) {
      pool.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private StoreQueue queue(int maxBatch) throws Exception {
    return queue(maxBatch, 100_000, 1L << 30);
  }

  private StoreQueue queue(int maxBatch, int maxWaiting, long maxWaitingBytes) throws Exception {
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_DATA_DIR",
        Files.createTempDirectory("michat-store-queue-").toString()));
    Database db = new Database(cfg);
    db.migrate();
    if (pool != null) {
      pool.close().await(10, TimeUnit.SECONDS);
    }
    pool = db.pool(vertx);
    return new StoreQueue(new MessageRepository(pool, true)::storeBatch, maxBatch, 1, maxWaiting, maxWaitingBytes,
        MichatMetrics.of(cfg));
  }

  private static final long LATER = Long.MAX_VALUE / 2;

  /** A writer whose transactions finish when the test says so: a database that does not answer. */
  private static final class HeldWriter implements StoreQueue.BatchWriter {
    final List<List<NewMessage>> batches = new ArrayList<>();
    final List<Promise<List<Stored>>> answers = new ArrayList<>();

    @Override
    public synchronized Future<List<Stored>> storeBatch(List<NewMessage> batch) {
      batches.add(batch);
      Promise<List<Stored>> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    }
  }

  private <T> T onContext(java.util.function.Supplier<T> work) throws Exception {
    Promise<T> result = Promise.promise();
    vertx.runOnContext(v -> result.complete(work.get()));
    return result.future().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aMessageStillWaitingWhenItsGatewayGivesUpIsRefusedAndNeverWritten() throws Exception {
    HeldWriter writer = new HeldWriter();
    StoreQueue queue = new StoreQueue(writer, 16, 1, 100, 1L << 20, MichatMetrics.of(MichatConfig.load(null, Map.of())));
    Future<Stored> first = onContext(() -> queue.store(text("p:1:2", 1, 2, "in flight"), LATER));
    Future<Stored> waiting = onContext(() -> queue.store(text("p:1:3", 1, 3, "waits"),
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)));
    Thread.sleep(100);
    onContext(() -> {
      queue.dropExpired();
      return null;
    });
    assertTrue(waiting.failed(), "refused while the first transaction still runs");
    assertTrue(waiting.cause() instanceof Rejection r && r.code().equals(Rejection.UNAVAILABLE), waiting.cause().toString());
    onContext(() -> writer.answers.get(0).tryComplete(List.of(new Stored(1, "p:1:2", 1, 0, "{}", false, 0))));
    first.await(10, TimeUnit.SECONDS);
    Thread.sleep(50);
    assertEquals(1, writer.batches.size(), "the refused message never reached the database: " + writer.batches);
  }

  @Test
  void afterACommitOfUnknownOutcomeNoMessageIsWrittenAgain() throws Exception {
    HeldWriter writer = new HeldWriter();
    StoreQueue queue = new StoreQueue(writer, 16, 1, 100, 1L << 20, MichatMetrics.of(MichatConfig.load(null, Map.of())));
    Future<Stored> first = onContext(() -> queue.store(text("p:1:2", 1, 2, "a"), LATER));
    Future<Stored> second = onContext(() -> queue.store(text("p:1:3", 1, 3, "b"), LATER));
    Future<Stored> third = onContext(() -> queue.store(text("p:1:4", 1, 4, "c"), LATER));
    onContext(() -> writer.answers.get(0).tryComplete(List.of(new Stored(1, "p:1:2", 1, 0, "{}", false, 0))));
    first.await(10, TimeUnit.SECONDS);
    Thread.sleep(50);
    assertEquals(2, writer.batches.size());
    assertEquals(2, writer.batches.get(1).size(), "the two that waited share a transaction");
    onContext(() -> writer.answers.get(1).tryFail(new CommitUnknown(new IllegalStateException("connection lost"))));
    Thread.sleep(50);
    assertTrue(second.failed() && second.cause() instanceof Unconfirmed, String.valueOf(second.cause()));
    assertTrue(third.failed() && third.cause() instanceof Unconfirmed, String.valueOf(third.cause()));
    assertEquals(2, writer.batches.size(), "not tried again one by one: they may be stored already");
  }

  private static NewMessage text(String conversation, long from, long to, String content) {
    JsonObject raw = new JsonObject().put("TargetId", to).put("Type", 1).put("Media", 1).put("Content", content);
    return new NewMessage(conversation, from, new ChatMessage(1, to, 1, content, "", 0, null, MessagePayload.of(raw, from)));
  }

  @Test
  void aMessageTheDatabaseRefusesFailsAloneAndItsBatchIsStored() throws Exception {
    StoreQueue queue = queue(256);
    Promise<List<Future<Stored>>> queued = Promise.promise();
    // Queued from one event-loop turn: the first runs alone, the rest share the next transaction.
    vertx.runOnContext(v -> {
      List<Future<Stored>> stores = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        // the sixth names a conversation longer than its column: the database refuses that row
        String conversation = i == 5 ? "p:1:" + "9".repeat(60) : "p:1:2";
        stores.add(queue.store(text(conversation, 1, 2, "m" + i), LATER));
      }
      queued.complete(stores);
    });
    List<Future<Stored>> all = queued.future().await(10, TimeUnit.SECONDS);
    Future.join(all).otherwiseEmpty().await(20, TimeUnit.SECONDS);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (i == 5) {
        assertTrue(all.get(i).failed(), "the refused message fails");
      } else {
        assertTrue(all.get(i).succeeded(), "message " + i + " is stored: " + all.get(i).cause());
        seqs.add(all.get(i).result().seq());
      }
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seqs, "the others, numbered without a gap, in order");
  }

  @Test
  void whatWaitsIsBoundedInCountAndBytesAndTheRestIsRefusedAtOnce() throws Exception {
    StoreQueue queue = queue(256, 3, 1L << 30);
    List<Future<Stored>> all = queueTen(queue, "x");
    Future.join(all).otherwiseEmpty().await(20, TimeUnit.SECONDS);
    // the first runs at once, three wait, six are refused without being stored
    assertEquals(4, all.stream().filter(Future::succeeded).count());
    for (Future<Stored> f : all.subList(4, 10)) {
      assertTrue(f.failed() && f.cause() instanceof Rejection r && r.code().equals(Rejection.UNAVAILABLE), String.valueOf(f.cause()));
    }

    StoreQueue byBytes = queue(256, 100_000, 3_000);
    List<Future<Stored>> big = queueTen(byBytes, "y".repeat(400));   // about 1.9 KB each while waiting
    Future.join(big).otherwiseEmpty().await(20, TimeUnit.SECONDS);
    assertEquals(2, big.stream().filter(Future::succeeded).count(), "one runs, one fits in 3,000 bytes");
  }

  private List<Future<Stored>> queueTen(StoreQueue queue, String content) throws Exception {
    Promise<List<Future<Stored>>> queued = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<Stored>> stores = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        stores.add(queue.store(text("p:1:2", 1, 2, content + i), LATER));
      }
      queued.complete(stores);
    });
    return queued.future().await(10, TimeUnit.SECONDS);
  }
}
