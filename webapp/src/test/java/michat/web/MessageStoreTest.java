package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import michat.config.MichatConfig;
import michat.contract.RouterApi.ChatMessage;
import michat.model.MessagePayload;
import michat.router.MessageRepository;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import michat.storage.Database;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router's batched store against the real databases, H2 and MariaDB: sequence numbers without
 * gaps per conversation, the {@code prev} each recipient's gateway checks, client ids deduplicated
 * within and across batches, concurrent batches of "two routers" on one new conversation, and the
 * V3 migration that fills the last-addressed columns for existing data.
 */
class MessageStoreTest {
  private static final long A = 11;
  private static final long B = 22;
  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      TestServer.await(pool.close());
    }
    TestServer.await(vertx.close());
  }

  /** An empty store of the kind asked for (a MariaDB database is dropped first; repo() migrates it). */
  private Database database(String kind, String name) {
    return database(kind, name, Map.of());
  }

  /** The same with further settings. */
  private Database database(String kind, String name, Map<String, String> extra) {
    Map<String, String> env = TestServer.baseEnv(TestServer.tempDir());
    env.putAll(extra);
    if (kind.equals("mariadb")) {
      TestServer.requireMariaDb();
      dropMariaDb(name);
      env.put("MICHAT_MYSQL_URL", TestServer.MARIADB_URL + name);
    }
    return new Database(MichatConfig.load(null, env));
  }

  private static void dropMariaDb(String name) {
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS `" + name + "`");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private MessageRepository repo(Database db) {
    db.migrate();
    pool = db.pool(vertx);
    return new MessageRepository(pool, db.isEmbedded());
  }

  private static NewMessage privateText(long from, long to, String content, String clientMsgId) {
    JsonObject raw = ChatContract.text(from, to, content);
    if (clientMsgId != null) {
      raw.put("clientMsgId", clientMsgId);
    }
    return new NewMessage("p:" + Math.min(from, to) + ":" + Math.max(from, to), from,
        new ChatMessage(ChatMessage.PRIVATE, to, 1, content, "", 0, clientMsgId, MessagePayload.of(raw, from)));
  }

  private static NewMessage groupText(long from, long group, String content) {
    return new NewMessage("g:" + group, from, new ChatMessage(ChatMessage.GROUP, group, 1, content, "", 0, null,
        MessagePayload.of(ChatContract.groupText(from, group, content), from)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "mariadb"})
  void aBatchNumbersEachConversationAndDeduplicatesClientIds(String kind) {
    MessageRepository repo = repo(database(kind, "michat_it_store"));
    String p = "p:" + A + ":" + B;
    List<Stored> first = TestServer.await(repo.storeBatch(List.of(
        privateText(A, B, "a1", "c-1"),
        privateText(B, A, "b1", null),
        groupText(A, 7, "g1"),
        privateText(A, B, "a2", "c-2"),
        privateText(A, B, "a1 again", "c-1"))));   // the same client id twice in one batch
    assertEquals(List.of(1L, 2L, 1L, 3L, 1L), first.stream().map(Stored::seq).toList());
    assertEquals(List.of(p, p, "g:7", p, p), first.stream().map(Stored::conversation).toList());
    // prev: the previous message addressed to the same recipient (B gets a1 then a2; A got nothing before b1)
    assertEquals(List.of(0L, 0L, 0L, 1L, 0L), first.stream().map(Stored::prev).toList());
    assertEquals(List.of(false, false, false, false, true), first.stream().map(Stored::duplicate).toList());
    assertEquals(first.get(0).id(), first.get(4).id(), "the repeat is the first one");
    Set<Long> ids = new HashSet<>();
    first.subList(0, 4).forEach(s -> ids.add(s.id()));
    assertEquals(4, ids.size(), "every new message has its own server id");
    assertTrue(first.get(0).id() < first.get(1).id() && first.get(1).id() < first.get(3).id(),
        "ids grow with sequence numbers within a conversation");

    List<Stored> second = TestServer.await(repo.storeBatch(List.of(
        privateText(A, B, "a2 re-sent", "c-2"),
        privateText(B, A, "b2", null),
        privateText(A, B, "a3", null),
        groupText(B, 7, "g2"))));
    assertTrue(second.get(0).duplicate());
    assertEquals(first.get(3).id(), second.get(0).id());
    assertEquals(3L, second.get(0).seq());
    assertEquals(List.of(4L, 5L, 2L), second.subList(1, 4).stream().map(Stored::seq).toList());
    assertEquals(2L, second.get(1).prev(), "A's previous was b1 (seq 2)");
    assertEquals(3L, second.get(2).prev(), "B's previous was a2 (seq 3)");
    assertEquals(1L, second.get(3).prev(), "group: the one before");
    assertEquals(5L, TestServer.await(new michat.router.MessageReader(pool).count(p)));
    assertEquals(2L, TestServer.await(new michat.router.MessageReader(pool).count("g:7")));
  }

  /**
   * Large batches reuse their prepared statements: a 100-message batch is a 64-row insert and
   * longer statements, beyond the MySQL client's default cache limit of 2,048 characters; without
   * michat's setting each such batch was prepared anew (Com_stmt_prepare counted per connection,
   * the pool holding one).
   */
  @Test
  void largeBatchesArePreparedOnceOnMariaDb() {
    MessageRepository repo = repo(database("mariadb", "michat_it_prepared", Map.of("MICHAT_MYSQL_POOL_SIZE", "1")));
    long[] prepares = new long[3];
    for (int round = 0; round < 3; round++) {
      List<NewMessage> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(privateText(A + i, B + 1000, "m" + round + "." + i, "c-" + round + "." + i));
      }
      assertEquals(100, TestServer.await(repo.storeBatch(batch)).stream().filter(m -> !m.duplicate()).count());
      prepares[round] = TestServer.await(pool.query("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").execute())
          .iterator().next().getString(1).transform(Long::parseLong);
    }
    assertEquals(prepares[1], prepares[2], "the third batch of the same shape prepared nothing new");
    assertEquals(prepares[0], prepares[1], "nor did the second");
  }

  /** A gateway's periodic flush saves many users' cursors in one call; cursors never move back. */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "mariadb"})
  void cursorsOfManyUsersAdvanceTogetherAndNeverBack(String kind) {
    MessageRepository repo = repo(database(kind, "michat_it_cursors"));
    TestServer.await(new michat.router.DeliveryCursors(pool).advanceCursors(Map.of(A, Map.of("p:11:22", 5L, "g:7", 9L), B, Map.of("p:11:22", 4L))));
    TestServer.await(new michat.router.DeliveryCursors(pool).advanceCursors(Map.of(A, Map.of("p:11:22", 3L), B, Map.of("p:11:22", 6L))));
    Map<String, Long> saved = new HashMap<>();
    TestServer.await(pool.query("SELECT user_id, conversation, delivered_seq FROM delivery_cursors").execute())
        .forEach(r -> saved.put(r.getLong(0) + "/" + r.getString(1), r.getLong(2)));
    assertEquals(Map.of(A + "/p:11:22", 5L, A + "/g:7", 9L, B + "/p:11:22", 6L), saved);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "mariadb"})
  void twoRoutersStoringIntoOneNewConversationAtOnceNeverShareASequenceNumber(String kind) {
    Database db = database(kind, "michat_it_store_race");
    MessageRepository one = repo(db);
    Pool otherPool = db.pool(vertx);
    MessageRepository other = new MessageRepository(otherPool, db.isEmbedded());
    try {
      List<Future<List<Stored>>> all = new ArrayList<>();
      for (int round = 0; round < 20; round++) {
        long group = 100 + round;
        all.add(one.storeBatch(List.of(groupText(A, group, "x" + round), groupText(A, group, "y" + round))));
        all.add(other.storeBatch(List.of(groupText(B, group, "z" + round))));
      }
      Map<String, List<Long>> seqs = new HashMap<>();
      for (Future<List<Stored>> f : all) {
        TestServer.await(f).forEach(s -> seqs.computeIfAbsent(s.conversation(), k -> new ArrayList<>()).add(s.seq()));
      }
      seqs.forEach((conversation, got) -> {
        got.sort(null);
        assertEquals(List.of(1L, 2L, 3L), got, conversation + ": each number once, none skipped");
      });
    } finally {
      TestServer.await(otherPool.close());
    }
  }

  /** V3 fills last_to_low/last_to_high from messages stored before it existed. */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "mariadb"})
  void theMigrationFillsLastAddressedForExistingConversations(String kind) throws Exception {
    String url;
    String user = "root";
    Map<String, String> placeholders;
    if (kind.equals("mariadb")) {
      TestServer.requireMariaDb();
      dropMariaDb("michat_it_v3");
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
           Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE michat_it_v3 CHARACTER SET utf8mb4");
      }
      url = "jdbc:mariadb://127.0.0.1:3306/michat_it_v3";
      placeholders = Map.of("tableOptions", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", "exactText", "COLLATE utf8mb4_bin");
    } else {
      url = "jdbc:h2:file:" + TestServer.tempDir().resolve("michat") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
      user = "sa";
      placeholders = Map.of("tableOptions", "", "exactText", "");
    }
    Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration").placeholders(placeholders)
        .target("2").load().migrate();
    try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
      // p:11:22 — 11 sends seq 1 and 3 to 22, 22 sends seq 2 to 11; p:5:5 — a note to oneself
      String insert = "INSERT INTO messages (conversation, seq, sender_id, target_id, msg_type, media, payload, created_at) VALUES ";
      st.execute(insert + "('p:11:22', 1, 11, 22, 1, 1, '{}', CURRENT_TIMESTAMP), ('p:11:22', 2, 22, 11, 1, 1, '{}', CURRENT_TIMESTAMP),"
          + " ('p:11:22', 3, 11, 22, 1, 1, '{}', CURRENT_TIMESTAMP), ('p:5:5', 1, 5, 5, 1, 1, '{}', CURRENT_TIMESTAMP),"
          + " ('g:9', 1, 11, 9, 2, 1, '{}', CURRENT_TIMESTAMP)");
      st.execute("INSERT INTO conversation_seq (conversation, last_seq) VALUES ('p:11:22', 3), ('p:5:5', 1), ('g:9', 1)");
    }
    Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration").placeholders(placeholders)
        .target("3").load().migrate();
    try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT conversation, last_to_low, last_to_high FROM conversation_seq ORDER BY conversation")) {
      Map<String, String> got = new HashMap<>();
      while (rs.next()) {
        got.put(rs.getString(1), rs.getLong(2) + "/" + rs.getLong(3));
      }
      assertEquals(Map.of("p:11:22", "2/3", "p:5:5", "1/1", "g:9", "0/0"), got);
    }
  }
}
