package michat.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Missed;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.model.MessagePayload;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;
import michat.storage.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V7 converts a database in place: messages written with the V6 schema, as the router wrote them
 * until then (surrogate id, content in columns, a recipient index), read after the migration as
 * before — every message, cursor, history page, gap fill and catch-up — and new messages continue the
 * sequences, the private conversations' {@code prev}, the stream positions and the client ids. On H2
 * and on MariaDB.
 */
class MessagesByConversationMigrationTest {
  private static final String P11_22 = "p:11:22";
  private static final String P22_33 = "p:22:33";
  private static final String P5_5 = "p:5:5";
  private static final String G9 = "g:9";
  private static final String URL = "https://example.org/d.png";

  /** A message as V6 stored it; in insertion order, so its id is its place in this list (from 1). */
  private record Old(String conversation, long seq, long sender, long target, int type, String content, String url,
                     String clientMsgId) {
    String payload() {
      JsonObject frame = new JsonObject().put("TargetId", target).put("Type", type).put("Media", url.isEmpty() ? 1 : 4)
          .put("Content", content);
      if (!url.isEmpty()) {
        frame.put("url", url);
      }
      if (clientMsgId != null) {
        frame.put("clientMsgId", clientMsgId);
      }
      return MessagePayload.of(frame, sender);
    }
  }

  private static final List<Old> OLD = List.of(
      new Old(P11_22, 1, 11, 22, ChatMessage.PRIVATE, "a", "", "c-1"),
      new Old(G9, 1, 11, 9, ChatMessage.GROUP, "g1", "", null),
      new Old(P11_22, 2, 22, 11, ChatMessage.PRIVATE, "b", "", null),
      new Old(P22_33, 1, 33, 22, ChatMessage.PRIVATE, "x", "", null),
      new Old(P11_22, 3, 11, 22, ChatMessage.PRIVATE, "c", "", null),
      new Old(G9, 2, 22, 9, ChatMessage.GROUP, "g2", "", null),
      new Old(P5_5, 1, 5, 5, ChatMessage.PRIVATE, "note", "", null),
      new Old(P11_22, 4, 11, 22, ChatMessage.PRIVATE, "d", URL, null),
      new Old(G9, 3, 33, 9, ChatMessage.GROUP, "g3", "", null));

  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (pool != null) {
      pool.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void convertsAnEmbeddedDatabaseInPlace() throws Exception {
    Database db = new Database(MichatConfig.load(null, Map.of("MICHAT_DATA_DIR",
        Files.createTempDirectory("michat-st-v7-").toString())));
    convertsInPlace(db);
  }

  @Test
  void convertsAMariaDbDatabaseInPlace() throws Exception {
    boolean up;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 3306), 1000);
      up = true;
    } catch (java.io.IOException e) {
      up = false;
    }
    if (!up && System.getenv("CI") != null) {
      Assertions.fail("MariaDB is not reachable on 127.0.0.1:3306 and CI is set: start it (see .ci/run)");
    }
    Assumptions.assumeTrue(up, "MariaDB not running on 127.0.0.1:3306");
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS michat_st_v7");
    }
    Database db = new Database(MichatConfig.load(null, Map.of("MICHAT_DATA_DIR",
        Files.createTempDirectory("michat-st-v7-").toString(), "MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:3306/michat_st_v7")));
    convertsInPlace(db);
  }

  private void convertsInPlace(Database db) throws Exception {
    db.migrateTo("6");
    pool = db.pool(vertx);
    writeAsV6();
    Map<Long, Old> byId = oldIds();
    assertEquals(OLD.size(), byId.size());
    for (int i = 0; i < OLD.size(); i++) {
      assertEquals(OLD.get(i), byId.get(i + 1L), "V6 handed out ids in insertion order");
    }
    pool.close().await(10, TimeUnit.SECONDS);

    db.migrate();
    pool = db.pool(vertx);
    MessageReader reader = new MessageReader(pool);
    StreamReader stream = new StreamReader(pool, 0);

    // every message, its id kept as its stream position
    List<String> rows = new ArrayList<>();
    for (Row r : await(pool.query("SELECT pos, conversation, seq, sender_id, target_id, msg_type, media, client_msg_id,"
        + " payload FROM messages ORDER BY pos").execute())) {
      rows.add(r.getLong("pos") + " " + r.getString("conversation") + "#" + r.getLong("seq") + " " + r.getLong("sender_id")
          + ">" + r.getLong("target_id") + " t" + r.getInteger("msg_type") + " m" + r.getInteger("media") + " "
          + r.getString("client_msg_id") + " " + r.getString("payload"));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < OLD.size(); i++) {
      Old o = OLD.get(i);
      expected.add((i + 1) + " " + o.conversation() + "#" + o.seq() + " " + o.sender() + ">" + o.target() + " t" + o.type()
          + " m" + (o.url().isEmpty() ? 1 : 4) + " " + o.clientMsgId() + " " + o.payload());
    }
    assertEquals(expected, rows);

    // cursors as saved, and every participant of a private conversation has a row (0: nothing delivered)
    assertEquals(Set.of("22 p:11:22 1", "22 g:9 1", "11 g:9 3", "11 p:11:22 0", "22 p:22:33 0", "33 p:22:33 0",
        "5 p:5:5 0"), cursors());

    // history pages and counts
    List<String> p1122 = List.of(OLD.get(0).payload(), OLD.get(2).payload(), OLD.get(4).payload(), OLD.get(7).payload());
    assertEquals(p1122, await(reader.page(P11_22, 1, 4, true)));
    assertEquals(List.of(OLD.get(7).payload(), OLD.get(4).payload()), await(reader.page(P11_22, 3, 4, false)));
    assertEquals(4L, await(reader.count(P11_22)));
    List<StoredMessage> servicePage = await(stream.page(P11_22, 4, 4, true));
    assertEquals(List.of("d " + URL + " 8"), servicePage.stream()
        .map(m -> m.content() + " " + m.url() + " " + m.position().value()).toList(), "content and url from the payload");

    // gap fill
    assertEquals(List.of(3L, 4L), await(reader.range(22, P11_22, null, 0, 4, 100)).messages().stream()
        .map(s -> s.seq()).toList());
    assertEquals(1, await(reader.range(22, P11_22, null, 0, 4, 100)).base(), "from the saved cursor");
    assertEquals(List.of(2L), await(reader.range(11, P11_22, 0L, 0, 4, 100)).messages().stream().map(s -> s.seq()).toList());

    // catch-up, in the order of the old ids
    assertEquals(List.of("p:22:33#1/0", "p:11:22#3/1", "g:9#2/1", "p:11:22#4/1", "g:9#3/1"),
        missed(reader, 22, Map.of(G9, 0L), Map.of(), 100));
    assertEquals(List.of("p:22:33#1/0", "p:11:22#3/1"), missed(reader, 22, Map.of(G9, 0L), Map.of(), 2), "a prefix");
    assertEquals(List.of("p:11:22#2/0"), missed(reader, 11, Map.of(G9, 0L), Map.of(), 100));
    assertEquals(List.of("p:11:22#2/0", "g:9#2/1", "g:9#3/1"), missed(reader, 11, Map.of(G9, 0L), Map.of(G9, 1L), 100),
        "resumed");
    assertEquals(List.of("g:9#3/2"), missed(reader, 33, Map.of(G9, 2L), Map.of(), 100), "from the join point");
    assertEquals(List.of("p:5:5#1/0"), missed(reader, 5, Map.of(), Map.of(), 100), "a note to oneself");
    assertEquals(List.of(), missed(reader, 44, Map.of(), Map.of(), 100), "no conversations");

    // the stream of all messages
    List<StoredMessage> all = await(stream.since(0, 100)).messages();
    assertEquals(List.of("1 a", "2 g1", "3 b", "4 x", "5 c", "6 g2", "7 note", "8 d", "9 g3"),
        all.stream().map(m -> m.position().value() + " " + m.content()).toList());
    assertEquals(List.of("6", "7", "8", "9"), await(stream.since(5, 100)).messages().stream()
        .map(m -> m.position().value()).toList());

    // new messages continue sequences, prev, positions and client ids
    MessageRepository repo = new MessageRepository(pool, db.isEmbedded());
    List<Stored> stored = await(repo.storeBatch(List.of(
        MessageRepositoryTest.privateText(22, 11, "e"),
        MessageRepositoryTest.groupText(33, "g4"),
        resent(OLD.get(0)),
        MessageRepositoryTest.privateText(11, 33, "new"))));
    assertEquals(List.of("p:11:22#5 prev 2 new", "g:9#4 prev 3 new", "p:11:22#1 prev 0 duplicate", "p:11:33#1 prev 0 new"),
        stored.stream().map(s -> s.conversation() + "#" + s.seq() + " prev " + s.prev() + (s.duplicate() ? " duplicate" : " new"))
            .toList());
    assertEquals(1, stored.get(2).id(), "a re-sent message is acknowledged with the id it had");
    assertTrue(stored.get(0).id() > OLD.size(), "positions continue after the old ids");
    assertTrue(stored.get(0).id() < stored.get(1).id() && stored.get(1).id() < stored.get(3).id());
    assertEquals(List.of("g:9#3/2", "g:9#4/2", "p:11:33#1/0"), missed(reader, 33, Map.of(G9, 2L), Map.of(), 100));
    assertEquals(List.of("p:11:22#2/0", "p:11:22#5/0", "g:9#4/3"), missed(reader, 11, Map.of(G9, 0L), Map.of(), 100));
    assertEquals(List.of("e", "g4", "new"), await(stream.since(OLD.size(), 100)).messages().stream()
        .map(StoredMessage::content).toList());
  }

  /** What the V6 router wrote: rows with a surrogate id and content columns, counters, saved cursors. */
  private void writeAsV6() throws Exception {
    LocalDateTime at = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(1);
    await(Database.write(pool, tx -> {
      Future<?> chain = Future.succeededFuture();
      for (Old o : OLD) {   // one statement each: ids in this order
        chain = chain.compose(v -> tx.preparedQuery("INSERT INTO messages (conversation, seq, sender_id, target_id,"
                + " msg_type, media, content, url, amount, client_msg_id, payload, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(Tuple.from(java.util.Arrays.asList(o.conversation(), o.seq(), o.sender(), o.target(), o.type(),
                o.url().isEmpty() ? 1 : 4, o.content(), o.url(), 0, o.clientMsgId(), o.payload(), at))));
      }
      return chain
          .compose(v -> tx.query("INSERT INTO conversation_seq (conversation, last_seq, last_to_low, last_to_high) VALUES"
              + " ('p:11:22', 4, 2, 4), ('p:22:33', 1, 1, 0), ('p:5:5', 1, 1, 1), ('g:9', 3, 0, 0)").execute())
          .compose(v -> tx.query("INSERT INTO delivery_cursors (user_id, conversation, delivered_seq) VALUES"
              + " (22, 'p:11:22', 1), (22, 'g:9', 1), (11, 'g:9', 3)").execute())
          .mapEmpty();
    }));
  }

  private Map<Long, Old> oldIds() throws Exception {
    Map<Long, Old> out = new HashMap<>();
    for (Row r : await(pool.query("SELECT id, conversation, seq FROM messages").execute())) {
      String key = r.getString("conversation") + "#" + r.getLong("seq");
      OLD.stream().filter(o -> (o.conversation() + "#" + o.seq()).equals(key)).forEach(o -> out.put(r.getLong("id"), o));
    }
    return out;
  }

  private Set<String> cursors() throws Exception {
    Set<String> out = new TreeSet<>();
    for (Row r : await(pool.query("SELECT user_id, conversation, delivered_seq FROM delivery_cursors").execute())) {
      out.add(r.getLong(0) + " " + r.getString(1) + " " + r.getLong(2));
    }
    return out;
  }

  private static List<String> missed(MessageReader reader, long user, Map<String, Long> groups, Map<String, Long> resumed,
                                     int limit) throws Exception {
    List<Missed> missed = await(reader.missed(user, groups, resumed, limit));
    return missed.stream().map(m -> m.conversation() + "#" + m.seq() + "/" + m.base()).toList();
  }

  private static NewMessage resent(Old o) {
    JsonObject raw = new JsonObject().put("TargetId", o.target()).put("Type", o.type()).put("Media", 1)
        .put("Content", o.content()).put("clientMsgId", o.clientMsgId());
    return new NewMessage(o.conversation(), o.sender(), new ChatMessage(o.type(), o.target(), 1, o.content(), "", 0,
        o.clientMsgId(), MessagePayload.of(raw, o.sender())));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }
}
