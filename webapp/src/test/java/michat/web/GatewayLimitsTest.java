package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.OnlineQuery;
import michat.contract.ServiceBus;
import michat.gateway.ChatGateway;
import michat.gateway.Frames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's protections, on a server with short timeouts and a small outbound queue: idle
 * sessions are swept and their users marked offline; a client that stops reading is closed without
 * holding up anyone else.
 */
class GatewayLimitsTest {
  /** Sweeps every second, closes after 2 s of silence. */
  private static TestServer impatient;
  /** Holds at most 20 frames for a connection that does not read. */
  private static TestServer smallQueue;

  @BeforeAll
  static void start() {
    impatient = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_HEARTBEAT_FIRST_SWEEP_SECONDS", "1",
        "MICHAT_HEARTBEAT_SWEEP_SECONDS", "1",
        "MICHAT_HEARTBEAT_MAX_IDLE_SECONDS", "2"));
    smallQueue = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_GATEWAY_MAX_QUEUED_FRAMES", "20"));
  }

  @AfterAll
  static void stop() {
    for (TestServer s : new TestServer[] {impatient, smallQueue}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static JsonObject user(TestServer server, String name) {
    return server.newUser(name + "-" + ProcessHandle.current().pid());
  }

  private static boolean online(TestServer server, long id) {
    return TestServer.await(ServiceBus.of(server.app.vertx()).request(PresenceApi.ONLINE,
        new OnlineQuery(List.of(id)))).userIds().contains(id);
  }

  @Test
  void socketsPerAddressAreLimitedForChatAndPubSubAlike() {
    TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_GATEWAY_MAX_CONNECTIONS_PER_IP", "3"));
    try {
      JsonObject a = user(server, "ipa");
      JsonObject b = user(server, "ipb");
      ChatClient one = ChatClient.open(server, a.getString("Identity"));
      ChatClient two = ChatClient.open(server, b.getString("Identity"));
      ChatClient channel = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, ChatGateway.CHANNEL_PATH));
      assertEquals(429, rejection(server, "/chat?token=" + b.getString("Identity")), "a fourth socket from 127.0.0.1");
      assertEquals(429, rejection(server, ChatGateway.CHANNEL_PATH), "pub/sub sockets count too");
      channel.close();
      one.close();
      ChatClient again = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, ChatGateway.CHANNEL_PATH));
      ChatClient three = ChatClient.open(server, a.getString("Identity"));   // closing gave the slots back
      three.close();
      again.close();
      two.close();
    } finally {
      server.close();
    }
  }

  /** The HTTP status with which the upgrade was refused. */
  private static int rejection(TestServer server, String uri) {
    try {
      TestServer.await(ChatClient.connect(server.app.vertx(), server.port, uri)).close();
      return 101;
    } catch (IllegalStateException e) {
      Throwable cause = e.getCause() instanceof java.util.concurrent.ExecutionException ? e.getCause().getCause() : e.getCause();
      return cause instanceof UpgradeRejectedException r ? r.getStatus() : -1;
    }
  }

  @Test
  void idleSessionsAreClosedAndHeartbeatsKeepOthersOpen() throws Exception {
    TestServer server = impatient;
    JsonObject idle = user(server, "idle");
    JsonObject alive = user(server, "alive");
    ChatClient quiet = ChatClient.open(server, idle.getString("Identity"));
    ChatClient beating = ChatClient.open(server, alive.getString("Identity"));
    assertTrue(online(server, idle.getLong("ID")));
    for (int i = 0; i < 10 && quiet.closeCode == null; i++) {
      beating.send(ChatContract.heartbeat(alive.getLong("ID")));
      Thread.sleep(500);
    }
    assertTrue(quiet.awaitClosed(5000), "the idle session is swept");
    assertEquals(Frames.CLOSE_IDLE, quiet.closeCode);
    assertTrue(ChatContract.eventually(() -> !online(server, idle.getLong("ID"))), "and its user marked offline");
    assertEquals(null, beating.closeCode, "heartbeats keep a session open");
    assertTrue(online(server, alive.getLong("ID")));
    quiet.close();
    beating.close();
  }

  /**
   * A client that never answers the server's close frame (a dead peer whose TCP still stands) is
   * dropped after the closing timeout (10 s, ChatSocket.CLOSING_TIMEOUT_MS) rather than kept forever.
   * A raw socket, because a WebSocket library answers close frames by itself.
   */
  @Test
  void aClientThatNeverAnswersTheServersCloseIsDroppedAfterTheTimeout() throws Exception {
    TestServer server = impatient;
    JsonObject mute = user(server, "mute");
    try (Socket raw = new Socket("127.0.0.1", server.port)) {
      OutputStream out = raw.getOutputStream();
      out.write(("GET /chat?token=" + mute.getString("Identity") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(raw.getInputStream());
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      raw.setSoTimeout(10_000);
      int closeCode = -1;
      while (closeCode < 0) {   // the welcome, then (idle after 2 s) the close frame
        int opcode = in.readUnsignedByte() & 0x0F;
        byte[] payload = readPayload(in);
        if (opcode == 0x8) {
          closeCode = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
      }
      assertEquals(Frames.CLOSE_IDLE, closeCode);
      long closeSeen = System.nanoTime();
      raw.setSoTimeout(20_000);
      try {
        assertEquals(-1, in.read(), "nothing after the close frame but the end of the connection");
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the connection was still open 20 s after the close frame", e);
      } catch (IOException reset) {
        // a reset ends it too
      }
      long waitedMs = (System.nanoTime() - closeSeen) / 1_000_000;
      assertTrue(waitedMs >= 8_000, "the server waited for an answer before dropping the connection: " + waitedMs + " ms");
    }
  }

  private static String readHead(DataInputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      head.write(in.readUnsignedByte());
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The rest of an unmasked server frame after its first byte. */
  private static byte[] readPayload(DataInputStream in) throws IOException {
    long length = in.readUnsignedByte() & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return payload;
  }

  /** One of the server's untagged meters, as GET /metrics shows it. */
  private static double metric(TestServer server, String name) {
    for (String line : server.get("/metrics").bodyAsString().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  /** The server's count of frames held for clients that read too slowly (all sessions). */
  private static double queuedFrames(TestServer server) {
    return metric(server, "michat_outbound_queued_frames");
  }

  /**
   * Frames written in one pass of the event loop leave in one flush (FrameWriter, Flusher): the welcome
   * and a backlog of 20 are written together on connect, so they take one or two flushes, not 21 — and
   * at least one, so they did not go the way of a flush per frame.
   */
  @Test
  void framesWrittenTogetherLeaveInOneFlush() throws Exception {
    TestServer server = smallQueue;
    JsonObject sender = user(server, "burst");
    JsonObject later = user(server, "later");
    long laterId = later.getLong("ID");
    try (ChatClient from = ChatClient.open(server, sender.getString("Identity"))) {
      for (int i = 0; i < 20; i++) {
        from.send(ChatContract.text(sender.getLong("ID"), laterId, "b" + i));
      }
      long deadline = System.currentTimeMillis() + 10_000;
      while (server.count("SELECT COUNT(*) FROM messages WHERE target_id = ?", laterId) < 20) {
        assertTrue(System.currentTimeMillis() < deadline, "the backlog is stored");
        Thread.sleep(20);
      }
    }
    double flushesBefore = metric(server, "michat_socket_flushes_total");
    try (ChatClient reader = ChatClient.openWithBacklog(server, later.getString("Identity"))) {
      for (int i = 0; i < 20; i++) {
        assertEquals("b" + i, reader.nextJson().getString("Content"));
      }
      double flushes = metric(server, "michat_socket_flushes_total") - flushesBefore;
      assertTrue(flushes >= 1 && flushes <= 2, flushes + " flushes for 21 frames");
    }
  }

  /**
   * Frames are written without a flush each while the socket takes them, and through Vert.x's queue,
   * then the session's, while it does not (FrameWriter): across those switches nothing is lost,
   * repeated or reordered.
   */
  @Test
  void aClientThatReadsLateGetsEveryFrameOnceAndInOrder() throws Exception {
    TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_GATEWAY_MAX_QUEUED_FRAMES", "100000"));
    try {
      JsonObject sender = user(server, "writer");
      JsonObject late = user(server, "late");
      long senderId = sender.getLong("ID");
      try (ChatClient from = ChatClient.open(server, sender.getString("Identity"));
           ChatClient reader = ChatClient.open(server, late.getString("Identity"),
               new WebSocketClientOptions().setReceiveBufferSize(4096))) {
        reader.socket.pause();
        String pad = "x".repeat(4500);
        int sent = 0;
        int afterHeld = -1;   // messages sent since the server began to hold frames
        while (sent < 3000 && afterHeld < 100) {
          from.send(ChatContract.text(senderId, late.getLong("ID"), "m" + sent).put("pad", pad));
          sent++;
          if (afterHeld >= 0) {
            afterHeld++;
          } else if (sent % 25 == 0 && queuedFrames(server) > 0) {
            afterHeld = 0;
          }
        }
        assertTrue(afterHeld >= 0, "the server never had to hold frames for the paused client (" + sent + " sent)");
        reader.socket.resume();
        for (int i = 0; i < sent; i++) {
          assertEquals("m" + i, reader.nextJson().getString("Content"), "frame " + i + " of " + sent);
        }
        reader.expectNothing(300);
        assertEquals(0.0, queuedFrames(server), "nothing is held any more");
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedWithoutDelayingOthers() throws Exception {
    TestServer server = smallQueue;
    JsonObject sender = user(server, "sender");
    JsonObject slow = user(server, "slow");
    JsonObject fast = user(server, "fast");
    long senderId = sender.getLong("ID");
    try (ChatClient from = ChatClient.open(server, sender.getString("Identity"));
         ChatClient stuck = ChatClient.open(server, slow.getString("Identity"),
             new WebSocketClientOptions().setReceiveBufferSize(4096));
         ChatClient reader = ChatClient.open(server, fast.getString("Identity"))) {
      stuck.socket.pause();
      // Big frames (the payload may carry fields of the client's own) fill the socket buffers sooner.
      String pad = "x".repeat(4500);
      int sent = 0;
      while (sent < 3000 && online(server, slow.getLong("ID"))) {
        from.send(ChatContract.text(senderId, slow.getLong("ID"), "m" + sent).put("pad", pad));
        sent++;
        if (sent % 100 == 0) {
          from.send(ChatContract.text(senderId, fast.getLong("ID"), "ping " + sent));
          assertEquals("ping " + sent, reader.nextJson().getString("Content"), "others are served meanwhile");
        }
      }
      assertFalse(online(server, slow.getLong("ID")), "the server gave up on the slow session after " + sent);
      stuck.socket.resume();
      assertTrue(stuck.awaitClosed(15_000), "the slow client ends up disconnected");
      assertTrue(stuck.count.get() < sent, "it did not get everything live: " + stuck.count.get() + " of " + sent);
      long stored = server.count("SELECT COUNT(*) FROM messages WHERE target_id = ?", slow.getLong("ID"));
      assertEquals(sent, stored, "everything it missed is kept for catch-up");
      assertFalse(reader.socket.isClosed());
    }
  }
}
