package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.OnlineQuery;
import michat.contract.ServiceBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket protocol as michat's own socket handler speaks it once Vert.x has done the upgrade
 * (michat.gateway.ChatSocket): fragments both ways, the size limit across fragments, pings, the
 * client's closing handshake, frames a client sends back to back while the session is paused, and
 * Vert.x's connection gauge after the hand-over — against a real server with a 4 KB frame limit.
 */
class ChatSocketTest {
  private static final int FRAME_LIMIT = 4096;
  private static TestServer server;
  private static int seq;

  @BeforeAll
  static void start() {
    server = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_GATEWAY_MAX_FRAME_BYTES", Integer.toString(FRAME_LIMIT),
        "MICHAT_GATEWAY_MESSAGES_PER_SECOND", "1000", "MICHAT_GATEWAY_MESSAGE_BURST", "1000"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private record User(long id, String token) {}

  private static User user(String prefix) {
    JsonObject u = server.newUser(prefix + "-" + ProcessHandle.current().pid() + "-" + (++seq));
    return new User(u.getLong("ID"), u.getString("Identity"));
  }

  private static ChatClient v2(User u, WebSocketClientOptions options) {
    ChatClient c = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, "/chat?v=2&token=" + u.token, options));
    assertEquals("欢迎进入聊天系统", c.next());
    return c;
  }

  private static ChatClient v2(User u) {
    return v2(u, new WebSocketClientOptions());
  }

  @Test
  void aMessageSentInFragmentsIsReassembled() {
    User a = user("fa");
    User b = user("fb");
    try (ChatClient ca = v2(a); ChatClient cb = v2(b)) {
      String frame = ChatContract.text(a.id, b.id, "one message in three frames, ünïcødé split too")
          .put("clientMsgId", "frag-1").encode();
      // The first fragment ends at a character, the second inside one: only the whole message must be
      // valid UTF-8.
      String first = frame.substring(0, frame.indexOf("ü"));
      byte[] rest = frame.substring(first.length()).getBytes(StandardCharsets.UTF_8);
      TestServer.await(ca.socket.writeFrame(WebSocketFrame.textFrame(first, false)));
      TestServer.await(ca.socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(rest).slice(0, 1), false)));
      TestServer.await(ca.socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(rest).slice(1, rest.length), true)));
      JsonObject got = cb.nextJson();
      assertEquals("msg", got.getString("Type"), got.encode());
      assertEquals("one message in three frames, ünïcødé split too", got.getJsonObject("message").getString("Content"));
      assertEquals("ack", ca.nextJson().getString("Type"));
    }
  }

  @Test
  void fragmentsAddingUpToMoreThanTheLimitCloseTheSocketWith1009() throws Exception {
    User a = user("big");
    User b = user("peer");
    try (ChatClient ca = v2(a); ChatClient cb = v2(b)) {
      String part = "x".repeat(FRAME_LIMIT - 100);   // each frame within the limit, the message not
      TestServer.await(ca.socket.writeFrame(WebSocketFrame.textFrame("{\"Content\":\"" + part, false)));
      TestServer.await(ca.socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), false)));
      ca.socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part + "\"}"), true));
      assertTrue(ca.awaitClosed(5000), "closed");
      assertEquals((short) 1009, ca.closeCode);
      assertTrue(ChatContract.eventually(() -> !isOnline(a.id)), "its user is offline");
      cb.send(ChatContract.text(b.id, a.id, "still here").put("clientMsgId", "after-big"));
      assertEquals("ack", cb.nextJson().getString("Type"), "other sessions go on");
    }
  }

  @Test
  void framesLargerThanTheLimitLeaveInFragmentsAClientWithTheSameLimitAccepts() {
    User a = user("lf");
    User b = user("lt");
    WebSocketClientOptions sameLimit = new WebSocketClientOptions().setMaxFrameSize(FRAME_LIMIT).setMaxMessageSize(4 * FRAME_LIMIT);
    try (ChatClient ca = v2(a); ChatClient cb = v2(b, sameLimit)) {
      JsonObject msg = ChatContract.text(a.id, b.id, "").put("clientMsgId", "large");
      String content = "é".repeat((FRAME_LIMIT - msg.encode().length() - 20) / 2);   // 2 bytes each
      msg.put("Content", content);
      assertTrue(msg.encode().getBytes(StandardCharsets.UTF_8).length <= FRAME_LIMIT, "the sent frame is within the limit");
      ca.send(msg);
      String delivered = cb.next();
      assertTrue(delivered.getBytes(StandardCharsets.UTF_8).length > FRAME_LIMIT,
          "the delivery, wrapped for v2, is over the frame limit: " + delivered.length());
      assertEquals(content, new JsonObject(delivered).getJsonObject("message").getString("Content"));
      assertEquals("ack", ca.nextJson().getString("Type"));
    }
  }

  @Test
  void pingsAreAnsweredWithTheirData() throws Exception {
    User a = user("ping");
    try (ChatClient ca = v2(a)) {
      CompletableFuture<String> pong = new CompletableFuture<>();
      ca.socket.pongHandler(data -> pong.complete(data.toString()));
      TestServer.await(ca.socket.writePing(Buffer.buffer("are you there")));
      assertEquals("are you there", pong.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void theClientsCloseIsAnsweredWithItsCodeAndItsUserGoesOffline() throws Exception {
    User a = user("bye");
    ChatClient ca = v2(a);
    assertTrue(isOnline(a.id));
    TestServer.await(ca.socket.close((short) 4100, "see you"));
    assertTrue(ca.awaitClosed(5000), "the server answered and closed");
    assertEquals((short) 4100, ca.closeCode, "the server's close frame repeats the client's code");
    assertTrue(ChatContract.eventually(() -> !isOnline(a.id)), "offline once its only session closed");
    ca.close();
  }

  @Test
  void messagesSentBackToBackAreAllHandledInOrder() {
    User a = user("burst");
    User b = user("sink");
    int n = 60;
    try (ChatClient ca = v2(a); ChatClient cb = v2(b)) {
      // Not awaited one by one: several frames arrive in one read while the session handles one at a
      // time (the socket pauses reading per message), so the rest wait in the socket, in order.
      List<io.vertx.core.Future<Void>> writes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        writes.add(ca.socket.writeTextMessage(ChatContract.text(a.id, b.id, "m" + i).put("clientMsgId", "b-" + i).encode()));
      }
      TestServer.await(io.vertx.core.Future.all(writes));
      for (int i = 0; i < n; i++) {
        JsonObject ack = ca.nextJson();
        assertEquals("ack", ack.getString("Type"), ack.encode());
        assertEquals("b-" + i, ack.getString("clientMsgId"));
      }
      for (int i = 0; i < n; i++) {
        assertEquals("m" + i, cb.nextJson().getJsonObject("message").getString("Content"));
      }
    }
  }

  @Test
  void vertxCountsAHandedOverSocketOutExactlyOnceAndMichatCountsTheSessions() throws Exception {
    User a = user("gauge");
    List<ChatClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(v2(a));
    }
    String during = server.get("/metrics").bodyAsString();
    assertTrue(during.contains("michat_sessions_open 3.0"), "michat counts the sessions");
    clients.forEach(ChatClient::close);
    assertTrue(ChatContract.eventually(() -> server.get("/metrics").bodyAsString().contains("michat_sessions_open 0.0")));
    // Vert.x counted each socket out when it handed it over (its WebSocket gauge is back to 0, not 3);
    // the real close must not count it out again (no negative gauge).
    String after = server.get("/metrics").bodyAsString();
    Matcher ws = Pattern.compile("(?m)^vertx_http_server_active_ws_connections(?:\\{[^}]*})? (\\S+)$").matcher(after);
    assertTrue(ws.find(), "Vert.x's WebSocket gauge is exported");
    assertEquals(0.0, Double.parseDouble(ws.group(1)), ws.group());
    Matcher connections = Pattern.compile("(?m)^vertx_http_server_active_connections(?:\\{[^}]*})? (\\S+)$").matcher(after);
    assertTrue(connections.find(), "Vert.x's connection gauge is exported");
    assertTrue(Double.parseDouble(connections.group(1)) >= 0, connections.group());
  }

  private static boolean isOnline(long userId) {
    return TestServer.await(ServiceBus.of(server.app.vertx()).request(PresenceApi.ONLINE,
        new OnlineQuery(List.of(userId)))).userIds().contains(userId);
  }
}
