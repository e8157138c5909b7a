package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole single-JVM server restarted gracefully in the middle of a conversation: clients are told
 * (1001), reconnect, re-send what was not acknowledged (same clientMsgId) and catch up. Counted:
 * every message is stored once and reaches the recipient once, in order.
 */
class GracefulRestartTest {
  private static final int MESSAGES = 300;

  @Test
  void clientsReconnectAndCatchUpAfterAGracefulRestart() throws Exception {
    Path data = TestServer.tempDir();
    Map<String, String> env = TestServer.baseEnv(data);
    TestServer server = TestServer.start(env, null);
    Vertx clients = Vertx.vertx();
    try {
      JsonObject a = server.newUser("restart-a");
      JsonObject b = server.newUser("restart-b");
      long aId = a.getLong("ID");
      long bId = b.getLong("ID");
      ChatClient sender = connect(clients, server.port, a);
      ChatClient receiver = connect(clients, server.port, b);
      Map<String, JsonObject> unacked = new LinkedHashMap<>();
      Set<String> acked = new HashSet<>();
      List<Long> received = new ArrayList<>();
      Map<String, Long> lastSeq = new HashMap<>();

      for (int i = 0; i < MESSAGES; i++) {
        JsonObject msg = ChatContract.text(aId, bId, "r" + i).put("clientMsgId", "r" + i);
        unacked.put("r" + i, msg);
        if (sender.closeCode == null) {
          sender.send(msg);
        }
        if (i == MESSAGES / 2) {
          collectAcks(sender, unacked, acked, 300);
          assertTrue(!acked.isEmpty() && acked.size() <= MESSAGES / 2 + 1, "restarting mid-stream: " + acked.size());
          server.close();   // graceful: gateways say goodbye (1001) after saving cursors
          assertTrue(sender.awaitClosed(10_000) && receiver.awaitClosed(10_000));
          assertEquals((short) 1001, sender.closeCode);
          server = TestServer.start(env, null);   // same data directory, same port
        }
        collectAcks(sender, unacked, acked, 0);
        collectMessages(receiver, received, lastSeq, 0);
      }
      collectAcks(sender, unacked, acked, 500);
      collectMessages(receiver, received, lastSeq, 500);

      // Reconnect, re-send what was not acknowledged with the same ids, catch up.
      ChatClient sender2 = connect(clients, server.port, a);
      // The receiver resumes from what it holds (v2 resume): it is sent exactly the rest.
      ChatClient receiver2 = TestServer.await(ChatClient.connect(clients, server.port,
          "/chat?v=2&resume=1&token=" + b.getString("Identity")));
      JsonObject cursors = new JsonObject();
      lastSeq.forEach(cursors::put);
      receiver2.send(new JsonObject().put("Type", "resume").put("cursors", cursors));
      assertEquals("欢迎进入聊天系统", receiver2.next());
      for (JsonObject msg : new ArrayList<>(unacked.values())) {
        sender2.send(msg);
      }
      collectAcks(sender2, unacked, acked, 2000);
      collectMessages(receiver2, received, new HashMap<>(), 2000);

      assertTrue(unacked.isEmpty(), "every message acknowledged in the end: missing " + unacked.keySet());
      assertEquals(MESSAGES, server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", aId), "each stored once");
      Set<Long> distinct = new HashSet<>(received);
      assertEquals(MESSAGES, distinct.size(), "the recipient has every message");
      List<Long> sorted = new ArrayList<>(distinct);
      sorted.sort(null);
      assertEquals(1L, sorted.get(0));
      assertEquals((long) MESSAGES, sorted.get(sorted.size() - 1), "sequence numbers 1..n, no gap");
      assertEquals(MESSAGES, received.size(), "and exactly once: nothing repeated");
      sender2.close();
      receiver2.close();
      sender.close();
      receiver.close();
    } finally {
      server.close();
      TestServer.await(clients.close());
    }
  }

  private static ChatClient connect(Vertx vertx, int port, JsonObject user) {
    ChatClient c = TestServer.await(ChatClient.connect(vertx, port, "/chat?v=2&token=" + user.getString("Identity")));
    assertEquals("欢迎进入聊天系统", c.next());
    return c;
  }

  private static void collectAcks(ChatClient c, Map<String, JsonObject> unacked, Set<String> acked, long quietMs) {
    for (String text : c.drain(quietMs)) {
      JsonObject f = new JsonObject(text);
      if ("ack".equals(f.getString("Type"))) {
        unacked.remove(f.getString("clientMsgId"));
        acked.add(f.getString("clientMsgId"));
      }
    }
  }

  /** Messages as they come; on one connection each conversation must come in sequence order. */
  private static void collectMessages(ChatClient c, List<Long> received, Map<String, Long> lastSeq, long quietMs) {
    for (String text : c.drain(quietMs)) {
      JsonObject f = new JsonObject(text);
      if ("msg".equals(f.getString("Type"))) {
        Long last = lastSeq.put(f.getString("conversation"), f.getLong("seq"));
        assertTrue(last == null || f.getLong("seq") > last, "in order: " + last + " then " + f.getLong("seq"));
        received.add(f.getLong("seq"));
      }
    }
  }
}
