package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import michat.contract.ServiceBus;
import michat.contract.v1.ServiceApi;
import michat.testkit.TcpRelay;
import org.junit.jupiter.api.Test;

/**
 * A database that hangs — connections open, nothing answered, as a MariaDB under SIGSTOP — while
 * several senders write. A sender told {@code unavailable} can rely on it: that message is never
 * stored nor delivered, even after the database comes back. Only {@code unknown} (the write had
 * begun) may still be stored, and re-sending with the same clientMsgId then stores and delivers it
 * once — and is on the stream of stored messages for other services as often as it is stored. MariaDB
 * is reached through a relay the test freezes, never stopped itself.
 */
class FrozenDatabaseTest {
  private static final int SENDERS = 4;

  @Test
  void aRefusedMessageIsNeverStoredEvenAfterTheDatabaseAnswersAgain() throws Exception {
    TcpRelay relay = new TcpRelay(3306);
    TestServer server = TestServer.mariaDbBehind(relay, "michat_it_frozen");
    List<ChatClient> senders = new ArrayList<>();
    try {
      JsonObject recipient = server.newUser("fz-to");
      long to = recipient.getLong("ID");
      List<Long> senderIds = new ArrayList<>();
      try (ChatClient inbox = ChatClient.openV2(server, recipient)) {
        for (int i = 0; i < SENDERS; i++) {
          JsonObject u = server.newUser("fz-" + i);
          senderIds.add(u.getLong("ID"));
          senders.add(ChatClient.openV2(server, u));
        }
        for (int i = 0; i < SENDERS; i++) {   // warm: every sender's path works
          senders.get(i).send(text(senderIds.get(i), to, "warm " + i, "warm-" + i));
          assertEquals("ack", senders.get(i).nextJson().getString("Type"));
        }
        Map<String, Integer> received = new HashMap<>();
        collect(inbox, received, SENDERS, 10_000);
        // what other services see: every stored message on the stream, a late one too, once
        Map<String, Integer> streamed = new ConcurrentHashMap<>();
        TestServer.await(ServiceBus.of(server.app.vertx()).subscribe(ServiceApi.MESSAGES_STORED,
            batch -> batch.messages().forEach(m -> streamed.merge(m.content(), 1, Integer::sum))).completion());

        relay.freeze();
        for (int i = 0; i < SENDERS; i++) {
          senders.get(i).send(text(senderIds.get(i), to, "during " + i, "during-" + i));
        }
        Map<String, String> outcome = new HashMap<>();
        for (int i = 0; i < SENDERS; i++) {
          JsonObject answer = new JsonObject(senders.get(i).next(20_000));
          outcome.put("during-" + i, "ack".equals(answer.getString("Type")) ? "ack" : answer.getString("Error"));
        }
        assertTrue(outcome.containsValue("unavailable"), "messages that waited behind the hung writes: " + outcome);
        assertFalse(outcome.containsValue("ack"), "nothing can be acknowledged by a hung database: " + outcome);

        relay.restore();
        Thread.sleep(3_000);   // the writes that had begun finish now, and are delivered if stored
        collect(inbox, received, SENDERS, 500);
        for (int i = 0; i < SENDERS; i++) {
          String id = "during-" + i;
          long stored = server.count("SELECT COUNT(*) FROM messages WHERE client_msg_id = ?", id);
          if (outcome.get(id).equals("unavailable")) {
            assertEquals(0, stored, id + " was refused, yet stored: " + outcome);
            assertFalse(received.containsKey("during " + i), id + " was refused, yet delivered");
          } else {
            assertEquals("unknown", outcome.get(id));
            assertTrue(stored <= 1);
            assertEquals(stored, (long) received.getOrDefault("during " + i, 0), id + " delivered as often as stored");
            assertEquals(stored, (long) streamed.getOrDefault("during " + i, 0), id + " on the stream as often as stored");
          }
        }

        // The clients send again what was not acknowledged, with the same ids: each is stored and
        // delivered exactly once, whatever became of the first try.
        for (int i = 0; i < SENDERS; i++) {
          JsonObject ack = resendUntilAcked(senders.get(i), text(senderIds.get(i), to, "during " + i, "during-" + i));
          assertNotNull(ack, "service resumed by itself");
        }
        Thread.sleep(500);
        collect(inbox, received, SENDERS, 500);
        for (int i = 0; i < SENDERS; i++) {
          assertEquals(1, server.count("SELECT COUNT(*) FROM messages WHERE client_msg_id = ?", "during-" + i));
          assertEquals(1, (int) received.getOrDefault("during " + i, 0), "during " + i + " delivered once: " + received);
          assertEquals(1, (int) streamed.getOrDefault("during " + i, 0), "during " + i + " on the stream once: " + streamed);
        }
      }
    } finally {
      senders.forEach(ChatClient::close);
      server.close();
      relay.close();
    }
  }

  private static JsonObject text(long from, long to, String content, String clientMsgId) {
    return ChatContract.text(from, to, content).put("clientMsgId", clientMsgId);
  }

  /** Counts the messages the recipient got, by content, until {@code quietMs} pass without one. */
  private static void collect(ChatClient inbox, Map<String, Integer> received, int atLeast, long quietMs) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      String frame = inbox.poll(quietMs);
      if (frame == null) {
        if (received.size() >= atLeast) {
          return;
        }
        continue;
      }
      JsonObject f = new JsonObject(frame);
      if ("msg".equals(f.getString("Type"))) {
        received.merge(f.getJsonObject("message").getString("Content"), 1, Integer::sum);
      }
    }
  }

  private static JsonObject resendUntilAcked(ChatClient sender, JsonObject frame) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      sender.send(frame);
      JsonObject reply = new JsonObject(sender.next(20_000));
      if ("ack".equals(reply.getString("Type"))) {
        return reply;
      }
      Thread.sleep(200);
    }
    return null;
  }
}
