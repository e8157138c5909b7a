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
 * and a catch-up that does not skip a message whose transaction commits after one with a larger id.
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
   * Transaction A takes an id and has not committed when B, with a larger id, has: a catch-up that
   * handed out B's position would skip A for good. Held back by the commit lag, it gives A and B
   * once A has committed.
   */
  @Test
  void aMessageCommittedAfterOneWithALargerIdIsNotSkipped() throws Exception {
    long start = maxId();
    SqlConnection a = await(pool.getConnection());
    Transaction txA = await(a.begin());
    await(a.preparedQuery("INSERT INTO messages (conversation, seq, sender_id, target_id, msg_type, media, content,"
            + " url, payload, created_at) VALUES ('p:31:32', 1, 31, 32, 1, 1, 'A', '', '{\"userId\":31}', ?)")
        .execute(Tuple.of(LocalDateTime.now(ZoneOffset.UTC))));
    long idB = await(repo.storeBatch(List.of(privateText(33, 34, "B")))).get(0).id();

    StreamReader hasty = new StreamReader(pool, 0);
    StreamPage withoutLag = await(hasty.since(start, 100));
    assertEquals(List.of("B"), contents(withoutLag), "without the lag B is handed out while A is uncommitted");
    StreamReader reader = new StreamReader(pool, LAG_MS);
    StreamPage held = await(reader.since(start, 100));
    assertEquals(List.of(), held.messages(), "with the lag nothing that young is handed out");
    assertEquals(StreamRecords.position(start), held.next());
    assertTrue(held.complete());

    await(txA.commit());
    await(a.close());
    long idA = idB - 1;
    assertTrue(idA > start, "A took the smaller id");
    assertEquals(List.of(), contents(await(hasty.since(await(StreamRecords.id(withoutLag.next())), 100))),
        "the hasty position has skipped A for good");

    Thread.sleep(LAG_MS + 200);
    StreamPage caughtUp = await(reader.since(start, 100));
    assertEquals(List.of("A", "B"), contents(caughtUp));
    assertEquals(StreamRecords.position(idB), caughtUp.next());
    assertEquals(List.of(), await(reader.since(idB, 100)).messages());
  }

  @Test
  void aPageStopsAtItsLimitAndSaysItIsNotComplete() throws Exception {
    long start = maxId();
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

  private static long maxId() throws Exception {
    return await(pool.query("SELECT COALESCE(MAX(id), 0) AS m FROM messages").execute()).iterator().next().getLong("m");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }
}
