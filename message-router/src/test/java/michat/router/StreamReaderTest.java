package michat.router;

import static michat.router.MessageRepositoryTest.groupText;
import static michat.router.MessageRepositoryTest.privateText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPage;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import michat.storage.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream of stored messages read from the database (H2): the same records as the live stream,
 * and a catch-up that does not skip a message whose transaction commits late.
 */
class StreamReaderTest {
  private static final long LAG_MS = 1_500;
  private static Vertx vertx;
  private static Pool pool;
  private static MessageRepository repo;

  @BeforeAll
  static void open() throws Exception {
    vertx = Vertx.vertx();
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_DATA_DIR",
        Files.createTempDirectory("michat-stream-reader-").toString()));
    Database db = new Database(cfg);
    db.migrate();
    pool = db.pool(vertx);
    repo = new MessageRepository(pool, true);
  }

  @AfterAll
  static void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void catchUpAndHistoryGiveTheRecordsTheLiveStreamGave() throws Exception {
    NewMessage toUser = privateText(21, 22, "hello 22");
    NewMessage toGroup = groupText(21, "hello group");
    List<Stored> stored = await(repo.storeBatch(List.of(toUser, toGroup)));
    List<StoredMessage> live = List.of(StreamRecords.of(toUser, stored.get(0)), StreamRecords.of(toGroup, stored.get(1)));

    long before = stored.get(0).id() - 1;
    StreamPage page = await(new StreamReader(pool, 0).since(before, 10));
    assertEquals(live, page.messages().stream().filter(m -> m.senderId() == 21).toList());
    assertEquals(List.of(live.get(1)), await(new StreamReader(pool, 0).page("g:9", stored.get(1).seq(),
        stored.get(1).seq(), false)));
    StoredMessage first = live.get(0);
    assertEquals(1, first.type());
    assertEquals(22, first.targetId(), "a private message names its recipient");
    assertEquals(9, live.get(1).targetId(), "a group message names its group");
    assertTrue(first.createdAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), first.createdAt());
  }

  /**
   * Positions become visible in the order they were handed out (schema V7): a batch takes its block
   * from the stream counter under a lock, so while another transaction holds that lock — a batch of
   * another router that has not committed — the next batch waits instead of taking a larger position
   * that a catch-up could hand out before the smaller one is visible (and so skip it for good).
   */
  @Test
  void aBatchTakesItsPositionsOnlyAfterTheBatchBeforeItCommitted() throws Exception {
    long start = maxPos();
    SqlConnection a = await(pool.getConnection());
    Transaction txA = await(a.begin());
    // A takes the next position as a batch does, and has not committed yet
    await(a.preparedQuery("SELECT last_seq FROM conversation_seq WHERE conversation = ? FOR UPDATE")
        .execute(Tuple.of(MessageRepository.STREAM_COUNTER)));
    await(a.preparedQuery("UPDATE conversation_seq SET last_seq = ? WHERE conversation = ?")
        .execute(Tuple.of(start + 1, MessageRepository.STREAM_COUNTER)));
    await(a.preparedQuery("INSERT INTO messages (conversation, seq, pos, sender_id, target_id, msg_type, media, payload,"
            + " created_at) VALUES ('p:31:32', 1, ?, 31, 32, 1, 1, ?, ?)")
        .execute(Tuple.of(start + 1, "{\"Content\":\"A\",\"userId\":31}", LocalDateTime.now(ZoneOffset.UTC))));
    Future<List<Stored>> b = repo.storeBatch(List.of(privateText(33, 34, "B")));
    Thread.sleep(300);   // within H2's lock timeout (1 s): B must be waiting, not failed
    assertTrue(!b.isComplete(), "B waits for the stream counter");
    StreamReader reader = new StreamReader(pool, 0);
    assertEquals(List.of(), await(reader.since(start, 100)).messages(), "nothing is visible before A commits");

    await(txA.commit());
    await(a.close());
    long posB = await(b).get(0).id();
    assertEquals(start + 2, posB, "B continues after A's position");
    StreamPage caughtUp = await(reader.since(start, 100));
    assertEquals(List.of("A", "B"), contents(caughtUp));
    assertEquals(StreamRecords.position(posB), caughtUp.next());
    assertEquals(List.of(), await(reader.since(posB, 100)).messages());
  }

  /** With the commit lag, nothing younger than the lag is handed out: the newest seconds come live. */
  @Test
  void theCommitLagHoldsBackTheNewestMessages() throws Exception {
    long start = maxPos();
    await(repo.storeBatch(List.of(privateText(35, 36, "C"))));
    StreamPage held = await(new StreamReader(pool, LAG_MS).since(start, 100));
    assertEquals(List.of(), held.messages(), "with the lag nothing that young is handed out");
    assertEquals(StreamRecords.position(start), held.next());
    assertTrue(held.complete());
    Thread.sleep(LAG_MS + 200);
    assertEquals(List.of("C"), contents(await(new StreamReader(pool, LAG_MS).since(start, 100))));
  }

  @Test
  void aPageStopsAtItsLimitAndSaysItIsNotComplete() throws Exception {
    long start = maxPos();
    await(repo.storeBatch(List.of(privateText(41, 42, "1"), privateText(41, 42, "2"), privateText(41, 42, "3"))));
    StreamReader reader = new StreamReader(pool, 0);
    StreamPage first = await(reader.since(start, 2));
    assertEquals(List.of("1", "2"), contents(first));
    assertEquals(false, first.complete());
    StreamPage rest = await(reader.since(await(StreamRecords.id(first.next())), 2));
    assertEquals(List.of("3"), contents(rest));
    assertTrue(rest.complete());
  }

  private static List<String> contents(StreamPage page) {
    return page.messages().stream().map(StoredMessage::content).toList();
  }

  private static long maxPos() throws Exception {
    return await(pool.query("SELECT COALESCE(MAX(pos), 0) AS m FROM messages").execute()).iterator().next().getLong("m");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }
}
