package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * 10,000 messages between several users while their connections are cut at random moments — frames
 * in flight at the cut are lost, as on a real network. Clients reconnect resuming from what they
 * hold (protocol v2 {@code resume}). After everyone reconnects and catches up: every acknowledged
 * message is at every recipient, exactly once with no de-duplication by the client, in order.
 */
class RandomCutsTest {
  private static final int USERS = 4;
  private static final int MESSAGES = 10_000;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.mariadb("michat_it_cuts", "redis://127.0.0.1:6379/11");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** What one user received: per conversation, the sequence numbers, as they came. */
  private static final class Inbox {
    final long userId;
    final Map<String, List<Long>> byConversation = new HashMap<>();
    int frames;
    int ownCopies;

    Inbox(long userId) {
      this.userId = userId;
    }

    void take(JsonObject msg) {
      byConversation.computeIfAbsent(msg.getString("conversation"), k -> new ArrayList<>()).add(msg.getLong("seq"));
      frames++;
    }
  }

  /** Connects resuming from what the inbox holds: per conversation, the last seq received. */
  private static ChatClient connect(JsonObject u, Inbox inbox) {
    ChatClient c = TestServer.await(ChatClient.connect(server.app.vertx(), server.port,
        "/chat?v=2&resume=1&token=" + u.getString("Identity")));
    JsonObject cursors = new JsonObject();
    inbox.byConversation.forEach((conversation, seqs) -> cursors.put(conversation, seqs.get(seqs.size() - 1)));
    c.send(new JsonObject().put("Type", "resume").put("cursors", cursors));
    assertEquals("欢迎进入聊天系统", c.next());
    return c;
  }

  /** Drains a connection; a connection's frames of one conversation must come in increasing order. */
  private static void drain(ChatClient c, Inbox inbox, Map<String, Long> lastOnConnection, Set<String> acked,
                            long quietMs) {
    for (String text : c.drain(quietMs)) {
      JsonObject f = new JsonObject(text);
      if ("ack".equals(f.getString("Type"))) {
        acked.add(f.getString("clientMsgId"));
      } else if ("msg".equals(f.getString("Type")) && f.getBoolean("copy", false)) {
        // a copy of the user's own message sent from another of their sessions (v2 multi-device)
        assertEquals(inbox.userId, f.getJsonObject("message").getLong("userId"));
        inbox.ownCopies++;
      } else if ("msg".equals(f.getString("Type"))) {
        String conv = f.getString("conversation");
        long seq = f.getLong("seq");
        Long last = lastOnConnection.put(conv, seq);
        assertTrue(last == null || seq > last, "in order on one connection: " + conv + " " + last + " then " + seq);
        inbox.take(f);
      } else {
        throw new AssertionError("unexpected frame " + text);
      }
    }
  }


  @Test
  void everyAcknowledgedMessageArrivesOnceAndInOrderDespiteCuts() throws Exception {
    // A cut must not surface as an error on the server (e.g. writing an acknowledgement to a socket the
    // client just closed): Vert.x logs what a handler throws at ERROR level.
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ThresholdFilter errorsOnly = new ThresholdFilter();
    errorsOnly.setLevel("ERROR");
    errorsOnly.start();
    ListAppender<ILoggingEvent> errors = new ListAppender<>();
    errors.addFilter(errorsOnly);
    errors.start();
    root.addAppender(errors);
    try {
      cutAndCheck();
    } finally {
      root.detachAppender(errors);
    }
    assertEquals(List.of(), errors.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ": " + e.getThrowableProxy().getMessage())).toList(),
        "no errors logged on the server");
  }

  private void cutAndCheck() throws Exception {
    Random random = new Random(7);
    List<JsonObject> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      users.add(server.newUser("cut-" + ProcessHandle.current().pid() + "-" + i));
    }
    ChatClient[] clients = new ChatClient[USERS];
    List<Map<String, Long>> lastOn = new ArrayList<>();
    Inbox[] inboxes = new Inbox[USERS];
    Set<String> acked = new HashSet<>();
    for (int i = 0; i < USERS; i++) {
      inboxes[i] = new Inbox(users.get(i).getLong("ID"));
      clients[i] = connect(users.get(i), inboxes[i]);
      lastOn.add(new HashMap<>());
    }
    int cuts = 0;
    for (int n = 0; n < MESSAGES; n++) {
      int from = random.nextInt(USERS);
      int to = (from + 1 + random.nextInt(USERS - 1)) % USERS;
      if (clients[from] == null) {
        clients[from] = connect(users.get(from), inboxes[from]);
        lastOn.set(from, new HashMap<>());
      }
      clients[from].send(ChatContract.text(users.get(from).getLong("ID"), users.get(to).getLong("ID"), "n" + n)
          .put("clientMsgId", "n" + n));
      if (random.nextInt(250) == 0) {   // cut someone: they miss what comes meanwhile
        int victim = random.nextInt(USERS);
        if (clients[victim] != null) {
          clients[victim].cut();
          // what reached the client before the cut counts as received, as it would be shown
          drain(clients[victim], inboxes[victim], lastOn.get(victim), acked, 1);
          clients[victim] = null;
          cuts++;
        }
      }
      if (n % 100 == 0) {
        for (int i = 0; i < USERS; i++) {
          if (clients[i] != null) {
            drain(clients[i], inboxes[i], lastOn.get(i), acked, 1);
          }
        }
      }
    }
    for (int i = 0; i < USERS; i++) {
      if (clients[i] != null) {
        drain(clients[i], inboxes[i], lastOn.get(i), acked, 3000);
        clients[i].close();
        drain(clients[i], inboxes[i], lastOn.get(i), acked, 1);
      }
    }
    // Everyone comes back once more and catches up.
    for (int i = 0; i < USERS; i++) {
      ChatClient again = connect(users.get(i), inboxes[i]);
      Map<String, Long> last = new HashMap<>();
      drain(again, inboxes[i], last, acked, 3000);
      again.close();
      drain(again, inboxes[i], last, acked, 1);
    }
    assertTrue(cuts > 10, "connections were cut " + cuts + " times");
    // Acks in flight when their sender was cut are lost with the connection (the message may still
    // be stored and delivered: a client re-sends with the same id and gets the ack then).
    assertTrue(acked.size() > MESSAGES / 2, "most messages were acknowledged: " + acked.size());

    try (Connection db = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/michat_it_cuts", "root", "");
         PreparedStatement st = db.prepareStatement(
             "SELECT conversation, seq, client_msg_id FROM messages WHERE target_id = ? ORDER BY conversation, seq")) {
      int duplicates = 0;
      Set<String> storedIds = new HashSet<>();
      for (int i = 0; i < USERS; i++) {
        st.setLong(1, users.get(i).getLong("ID"));
        Map<String, TreeSet<Long>> stored = new HashMap<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            stored.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getLong(2));
            storedIds.add(rs.getString(3));
          }
        }
        Map<String, List<Long>> expected = new HashMap<>();
        stored.forEach((conversation, seqs) -> expected.put(conversation, new ArrayList<>(seqs)));
        for (List<Long> got : inboxes[i].byConversation.values()) {
          duplicates += got.size() - new TreeSet<>(got).size();
        }
        assertEquals(expected, inboxes[i].byConversation,
            "user " + i + " has every stored message addressed to them, exactly once, in order");
      }
      // Every acknowledged message is stored, and so (above) at its recipient.
      Set<String> missing = new HashSet<>(acked);
      missing.removeAll(storedIds);
      assertTrue(missing.isEmpty(), "acknowledged but not stored: " + missing);
      assertEquals(0, duplicates);
      System.err.println("random cuts: " + cuts + " cuts, " + acked.size() + " acknowledged, 0 repeated, 0 lost");
    }
  }
}
