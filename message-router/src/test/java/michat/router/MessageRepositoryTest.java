package michat.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import michat.contract.RouterApi.ChatMessage;
import michat.model.MessagePayload;
import michat.config.MichatConfig;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.Sequenced;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import michat.storage.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router's SQL on the embedded store (H2, migrated by the real Flyway scripts): sequence numbers
 * per conversation, {@code prev}, re-sent client ids, catch-up, gap fill, cursors and history pages.
 * The tests share one database, emptied before each.
 */
class MessageRepositoryTest {
  private static final String P12 = "p:1:2";
  private static final String G9 = "g:9";

  // One database for the class (migrating takes longer than all the tests), emptied before each test.
  private static Vertx vertx;
  private static Pool pool;
  private static MessageRepository repo;
  private static MessageReader reader;
  private static DeliveryCursors cursors;

  @BeforeAll
  static void open() throws Exception {
    vertx = Vertx.vertx();
    MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_DATA_DIR",
        Files.createTempDirectory("michat-message-repository-").toString()));
    Database db = new Database(cfg);
    db.migrate();
    pool = db.pool(vertx);
    repo = new MessageRepository(pool, true);
    reader = new MessageReader(pool);
    cursors = new DeliveryCursors(pool);
  }

  @BeforeEach
  void empty() throws Exception {
    Database.write(pool, tx -> tx.query("DELETE FROM messages").execute()
            .compose(v -> tx.query("DELETE FROM conversation_seq").execute())
            .compose(v -> tx.query("DELETE FROM delivery_cursors").execute()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  // ---- messages ----

  static NewMessage privateText(long from, long to, String content) {
    return message(from, new JsonObject().put("TargetId", to).put("Type", ChatMessage.PRIVATE), content, null);
  }

  private static NewMessage resent(long from, long to, String content, String clientMsgId) {
    return message(from, new JsonObject().put("TargetId", to).put("Type", ChatMessage.PRIVATE), content, clientMsgId);
  }

  static NewMessage groupText(long from, String content) {
    return message(from, new JsonObject().put("TargetId", 9).put("Type", ChatMessage.GROUP), content, null);
  }

  private static NewMessage message(long from, JsonObject raw, String content, String clientMsgId) {
    raw.put("Media", 1).put("Content", content);
    if (clientMsgId != null) {
      raw.put("clientMsgId", clientMsgId);
    }
    ChatMessage message = new ChatMessage(raw.getInteger("Type"), raw.getLong("TargetId"), 1, content, "", 0,
        clientMsgId, MessagePayload.of(raw, from));
    String conversation = message.type() == ChatMessage.GROUP ? G9
        : michat.model.Conversations.privateChat(from, message.targetId());
    return new NewMessage(conversation, from, message);
  }

  private List<Stored> store(NewMessage... batch) throws Exception {
    return repo.storeBatch(List.of(batch)).await(20, TimeUnit.SECONDS);
  }

  private static List<Long> seqs(List<Stored> stored) {
    return stored.stream().map(Stored::seq).toList();
  }

  private static List<Long> seqsOf(List<Missed> missed) {
    return missed.stream().map(Missed::seq).toList();
  }

  private static List<Long> seqsOf(Range range) {
    return range.messages().stream().map(Sequenced::seq).toList();
  }

  private static String content(String payload) {
    return new JsonObject(payload).getString("Content");
  }

  private Long savedCursor(long userId, String conversation) throws Exception {
    var rows = pool.preparedQuery("SELECT delivered_seq FROM delivery_cursors WHERE user_id = ? AND conversation = ?")
        .execute(Tuple.of(userId, conversation)).await(10, TimeUnit.SECONDS);
    return rows.size() == 0 ? null : rows.iterator().next().getLong("delivered_seq");
  }

  // ---- sequence numbers ----

  @Test
  void sequenceNumbersStartAtOnePerConversationAndRunOnAcrossBatchesWithoutGaps() throws Exception {
    List<Stored> first = store(privateText(1, 2, "a"), groupText(1, "x"), privateText(2, 1, "b"),
        groupText(3, "y"), privateText(1, 2, "c"));
    assertEquals(List.of(1L, 1L, 2L, 2L, 3L), seqs(first), "each conversation counts on its own, from 1");
    assertEquals(List.of(P12, G9, P12, G9, P12), first.stream().map(Stored::conversation).toList());

    List<Stored> second = store(groupText(1, "z"), privateText(2, 1, "d"), privateText(1, 2, "e"));
    assertEquals(List.of(3L, 4L, 5L), seqs(second), "the next batch goes on where the last one stopped");
    assertEquals(5L, reader.count(P12).await(10, TimeUnit.SECONDS));
    assertEquals(3L, reader.count(G9).await(10, TimeUnit.SECONDS));
    assertEquals(0L, reader.count("p:7:8").await(10, TimeUnit.SECONDS), "a conversation without messages");

    Set<Long> ids = new HashSet<>();
    first.forEach(s -> ids.add(s.id()));
    second.forEach(s -> ids.add(s.id()));
    assertEquals(8, ids.size(), "every message has an id of its own");
    assertFalse(first.stream().anyMatch(Stored::duplicate) || second.stream().anyMatch(Stored::duplicate));
    assertEquals(List.of("a", "b", "c", "d", "e"),
        reader.page(P12, 1, 5, true).await(10, TimeUnit.SECONDS).stream().map(MessageRepositoryTest::content).toList(),
        "stored under the numbers returned");
  }

  @Test
  void concurrentBatchesShareOneSequenceWithoutGapsOrRepeats() throws Exception {
    int batches = 8;
    int perBatch = 10;
    List<Future<List<Stored>>> running = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<NewMessage> batch = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        batch.add(i % 2 == 0 ? privateText(1, 2, b + "-" + i) : groupText(2, b + "-" + i));
      }
      running.add(repo.storeBatch(batch));   // all at once, each on a connection of its own
    }
    Future.all(running).await(60, TimeUnit.SECONDS);

    List<Stored> all = new ArrayList<>();
    running.forEach(f -> all.addAll(f.result()));
    for (String conversation : List.of(P12, G9)) {
      List<Stored> mine = all.stream().filter(s -> s.conversation().equals(conversation))
          .sorted(Comparator.comparingLong(Stored::seq)).toList();
      assertEquals(LongStream.rangeClosed(1, batches * perBatch / 2).boxed().toList(), seqs(mine),
          conversation + ": 1..n, each number once");
      for (int i = 1; i < mine.size(); i++) {
        assertTrue(mine.get(i).id() > mine.get(i - 1).id(),
            conversation + ": ids grow with sequence numbers (catch-up relies on it)");
      }
      List<String> stored = reader.page(conversation, 1, mine.size(), true).await(10, TimeUnit.SECONDS);
      assertEquals(mine.stream().map(Stored::payload).toList(), stored, conversation + ": each row under its number");
    }
  }

  @Test
  void prevNamesThePreviousMessageAddressedToTheSameRecipient() throws Exception {
    List<Stored> first = store(privateText(1, 2, "to 2"), privateText(2, 1, "to 1"), privateText(1, 2, "to 2 again"),
        groupText(1, "g1"), groupText(2, "g2"));
    assertEquals(List.of(0L, 0L, 1L, 0L, 1L), first.stream().map(Stored::prev).toList());
    // across batches: read back from the counter row
    List<Stored> second = store(privateText(2, 1, "to 1 again"), privateText(1, 2, "to 2, third"), groupText(1, "g3"));
    assertEquals(List.of(2L, 3L, 2L), second.stream().map(Stored::prev).toList());
    List<Stored> notes = store(privateText(5, 5, "note to self"), privateText(5, 5, "another"));
    assertEquals(List.of(0L, 1L), notes.stream().map(Stored::prev).toList(), "a note to oneself is addressed to its sender");
  }

  // ---- client ids ----

  @Test
  void aReSentClientMsgIdComesBackAsTheStoredMessageAlsoWithinOneBatch() throws Exception {
    Stored original = store(resent(1, 2, "hello", "c-1")).get(0);
    assertFalse(original.duplicate());

    List<Stored> again = store(resent(1, 2, "hello", "c-1"), resent(1, 2, "next", "c-2"));
    assertTrue(again.get(0).duplicate(), "the re-send is reported as a duplicate");
    assertEquals(original.id(), again.get(0).id());
    assertEquals(original.seq(), again.get(0).seq());
    assertEquals(2L, again.get(1).seq(), "a duplicate takes no number");
    assertFalse(again.get(1).duplicate());

    List<Stored> twice = store(resent(1, 2, "twice", "c-3"), resent(1, 2, "twice", "c-3"), resent(2, 1, "other sender", "c-3"));
    assertFalse(twice.get(0).duplicate());
    assertTrue(twice.get(1).duplicate(), "the second of one batch is the first");
    assertEquals(twice.get(0).id(), twice.get(1).id());
    assertEquals(3L, twice.get(1).seq());
    assertFalse(twice.get(2).duplicate(), "client ids are per sender");
    assertEquals(4L, twice.get(2).seq());
    assertEquals(4L, reader.count(P12).await(10, TimeUnit.SECONDS), "stored once each");
  }

  // ---- catch-up ----

  @Test
  void missedStartsAfterTheSavedCursorOrTheResumedOne() throws Exception {
    store(privateText(1, 2, "1"), privateText(2, 1, "2"), privateText(1, 2, "3"), privateText(1, 2, "4"),
        privateText(3, 2, "p:2:3 #1"));
    assertEquals(List.of(1L, 3L, 4L, 1L), seqsOf(reader.missed(2, Map.of(), Map.of(), 100).await(10, TimeUnit.SECONDS)),
        "only what is addressed to the user, oldest first");
    assertEquals(List.of(2L), seqsOf(reader.missed(1, Map.of(), Map.of(), 100).await(10, TimeUnit.SECONDS)));

    cursors.advanceCursors(Map.of(2L, Map.of(P12, 3L))).await(10, TimeUnit.SECONDS);
    List<Missed> afterCursor = reader.missed(2, Map.of(), Map.of(), 100).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(4L, 1L), seqsOf(afterCursor));
    assertEquals(List.of(3L, 0L), afterCursor.stream().map(Missed::base).toList(), "each with the cursor it follows");

    List<Missed> resumed = reader.missed(2, Map.of(), Map.of(P12, 1L), 100).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(3L, 4L, 1L), seqsOf(resumed), "a resumed cursor replaces the saved one, for its conversation only");
    assertEquals(List.of(1L, 1L, 0L), resumed.stream().map(Missed::base).toList());

    assertEquals(List.of(3L), seqsOf(reader.missed(2, Map.of(), Map.of(P12, 1L), 1).await(10, TimeUnit.SECONDS)),
        "at most the limit, the oldest");
    assertEquals("3", content(reader.missed(2, Map.of(), Map.of(P12, 1L), 1).await(10, TimeUnit.SECONDS).get(0).frame()));
  }

  /** Catch-up reads one key range per conversation, 64 to a statement: more conversations take more statements. */
  @Test
  void missedSpansManyConversationsInStreamOrder() throws Exception {
    List<NewMessage> batch = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      batch.add(privateText(1000 + (i * 7) % 150, 2, "from " + (1000 + (i * 7) % 150)));   // 150 senders, interleaved
      if (i % 50 == 49) {
        store(batch.toArray(NewMessage[]::new));
        batch.clear();
      }
    }
    store(groupText(5, "to the group"), privateText(1000, 2, "again"));
    List<Missed> all = reader.missed(2, Map.of(G9, 0L), Map.of(), 1000).await(10, TimeUnit.SECONDS);
    assertEquals(152, all.size());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      expected.add("from " + (1000 + (i * 7) % 150));
    }
    expected.add("to the group");
    expected.add("again");
    assertEquals(expected, all.stream().map(m -> content(m.frame())).toList(), "in the order they were stored");
    assertEquals(expected.subList(0, 100), reader.missed(2, Map.of(G9, 0L), Map.of(), 100).await(10, TimeUnit.SECONDS)
        .stream().map(m -> content(m.frame())).toList(), "the oldest up to the limit");
  }

  @Test
  void missedGroupMessagesStartAfterTheJoinPointWhateverTheCursorSays() throws Exception {
    for (int i = 1; i <= 6; i++) {
      store(groupText(1, "g" + i));
    }
    assertEquals(List.of(), reader.missed(2, Map.of(), Map.of(), 100).await(10, TimeUnit.SECONDS),
        "a group the user is not in is not theirs");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L),
        seqsOf(reader.missed(2, Map.of(G9, 0L), Map.of(), 100).await(10, TimeUnit.SECONDS)), "a member from the start");

    List<Missed> joinedLate = reader.missed(2, Map.of(G9, 3L), Map.of(), 100).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(4L, 5L, 6L), seqsOf(joinedLate), "nothing up to the join point");
    assertEquals(3L, joinedLate.get(0).base());

    assertEquals(List.of(4L, 5L, 6L),
        seqsOf(reader.missed(2, Map.of(G9, 3L), Map.of(G9, 0L), 100).await(10, TimeUnit.SECONDS)),
        "a resumed 0 does not reach before the join");

    cursors.advanceCursors(Map.of(2L, Map.of(G9, 5L))).await(10, TimeUnit.SECONDS);
    List<Missed> afterCursor = reader.missed(2, Map.of(G9, 3L), Map.of(), 100).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(6L), seqsOf(afterCursor), "a cursor beyond the join point counts");
    assertEquals(5L, afterCursor.get(0).base());
  }

  // ---- gap fill ----

  @Test
  void rangeFillsAGapWithWhatIsAddressedToTheUserAboveTheFloorUpToTheLimit() throws Exception {
    store(privateText(1, 2, "1"), privateText(2, 1, "2"), privateText(1, 2, "3"), privateText(1, 2, "4"),
        privateText(1, 2, "5"));
    Range gap = reader.range(2, P12, 1L, 0, 4, 100).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(3L, 4L), seqsOf(gap), "(after, upto], addressed to the user");
    assertEquals(1L, gap.base());
    assertTrue(gap.complete());
    assertEquals("3", content(gap.messages().get(0).frame()));

    cursors.advanceCursors(Map.of(2L, Map.of(P12, 3L))).await(10, TimeUnit.SECONDS);
    Range fromCursor = reader.range(2, P12, null, 0, 5, 100).await(10, TimeUnit.SECONDS);
    assertEquals(3L, fromCursor.base(), "no 'after': from the saved cursor");
    assertEquals(List.of(4L, 5L), seqsOf(fromCursor));
    assertEquals(0L, reader.range(7, P12, null, 0, 5, 100).await(10, TimeUnit.SECONDS).base(), "no cursor: from the start");

    Range cut = reader.range(2, P12, 0L, 0, 5, 2).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(1L, 3L), seqsOf(cut), "the oldest, up to the limit");
    assertFalse(cut.complete(), "cut short by the limit");

    for (int i = 1; i <= 6; i++) {
      store(groupText(1, "g" + i));
    }
    Range group = reader.range(2, G9, 1L, 3, 6, 100).await(10, TimeUnit.SECONDS);
    assertEquals(3L, group.base(), "never at or before the floor (the join point)");
    assertEquals(List.of(4L, 5L, 6L), seqsOf(group));
    assertEquals(List.of(3L, 4L, 5L, 6L), seqsOf(reader.range(2, G9, 2L, 0, 6, 100).await(10, TimeUnit.SECONDS)),
        "every group message is addressed to every member");
  }

  // ---- cursors ----

  @Test
  void advanceCursorsNeverMovesACursorBack() throws Exception {
    cursors.advanceCursors(Map.of(1L, Map.of(P12, 5L, G9, 2L), 2L, Map.of(P12, 7L))).await(10, TimeUnit.SECONDS);
    assertEquals(5L, savedCursor(1, P12));
    assertEquals(2L, savedCursor(1, G9));
    assertEquals(7L, savedCursor(2, P12), "per user");

    cursors.advanceCursors(Map.of(1L, Map.of(P12, 3L, G9, 4L), 2L, Map.of(P12, 7L))).await(10, TimeUnit.SECONDS);
    assertEquals(5L, savedCursor(1, P12), "an older cursor (a slower session of the same user) is ignored");
    assertEquals(4L, savedCursor(1, G9), "a newer one moves it");
    assertEquals(7L, savedCursor(2, P12));
    cursors.advanceCursors(Map.of()).await(10, TimeUnit.SECONDS);
    assertEquals(5L, savedCursor(1, P12));
  }

  // ---- history ----

  @Test
  void pageReturnsTheRangeOldestOrNewestFirst() throws Exception {
    List<Stored> stored = store(privateText(1, 2, "1"), privateText(2, 1, "2"), privateText(1, 2, "3"),
        privateText(2, 1, "4"), groupText(1, "other conversation"));
    assertNotEquals(P12, stored.get(4).conversation());
    assertEquals(List.of("2", "3", "4"),
        reader.page(P12, 2, 4, true).await(10, TimeUnit.SECONDS).stream().map(MessageRepositoryTest::content).toList());
    assertEquals(List.of("4", "3", "2"),
        reader.page(P12, 2, 4, false).await(10, TimeUnit.SECONDS).stream().map(MessageRepositoryTest::content).toList());
    assertEquals(List.of(), reader.page(P12, 6, 9, true).await(10, TimeUnit.SECONDS));
  }
}
