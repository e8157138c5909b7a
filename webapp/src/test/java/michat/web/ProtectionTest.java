package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Protocol v2 acknowledgements and idempotent re-sends, the configurable limits, and a fuzz run of
 * malformed frames and bodies — on a real server with small limits.
 */
class ProtectionTest {
  private static TestServer server;
  private static int seq;

  @BeforeAll
  static void start() {
    server = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_GATEWAY_MESSAGES_PER_SECOND", "5",
        "MICHAT_GATEWAY_MESSAGE_BURST", "5",
        "MICHAT_GATEWAY_MAX_CONNECTIONS_PER_USER", "3",
        "MICHAT_GATEWAY_MAX_FRAME_BYTES", "16384",
        "MICHAT_GROUP_MAX_MEMBERS", "3"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private record User(long id, String name, String token) {}

  private static User user(String prefix) {
    JsonObject u = server.newUser(prefix + "-" + ProcessHandle.current().pid() + "-" + (++seq));
    return new User(u.getLong("ID"), u.getString("Name"), u.getString("Identity"));
  }

  private static ChatClient v2(User u) {
    ChatClient c = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, "/chat?v=2&token=" + u.token));
    assertEquals("欢迎进入聊天系统", c.next());
    return c;
  }

  @Test
  void v2AcknowledgesAfterStoringAndIgnoresResends() {
    User a = user("va");
    User b = user("vb");
    try (ChatClient ca = v2(a); ChatClient cb = v2(b)) {
      JsonObject msg = ChatContract.text(a.id, b.id, "hello v2").put("clientMsgId", "c-1");
      ca.send(msg);
      JsonObject ack = ca.nextJson();
      assertEquals("ack", ack.getString("Type"), ack.encode());
      assertEquals("c-1", ack.getString("clientMsgId"));
      assertEquals(false, ack.getBoolean("duplicate"));
      String conversation = ack.getString("conversation");
      long seqNo = ack.getLong("seq");
      assertEquals(1, server.count("SELECT COUNT(*) FROM messages WHERE pos = ?", ack.getLong("id")), "stored before the ack");

      JsonObject got = cb.nextJson();
      assertEquals("msg", got.getString("Type"));
      assertEquals(conversation, got.getString("conversation"));
      assertEquals(seqNo, got.getLong("seq"));
      assertEquals("hello v2", got.getJsonObject("message").getString("Content"));

      ca.send(msg);   // the same clientMsgId again, e.g. after a timeout
      JsonObject again = ca.nextJson();
      assertEquals(true, again.getBoolean("duplicate"), again.encode());
      assertEquals(ack.getLong("id"), again.getLong("id"));
      assertEquals(seqNo, again.getLong("seq"));
      cb.expectNothing(300);
      assertEquals(1, server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", a.id), "stored once");

      ca.send(ChatContract.text(a.id, 987_654_321L, "nobody").put("clientMsgId", "c-2"));
      JsonObject error = ca.nextJson();
      assertEquals("no_such_user", error.getString("Error"));
      assertEquals("c-2", error.getString("clientMsgId"));
    }
  }

  @Test
  void v2DevicesStayInSyncAndSignalsAreRelayedNotStored() {
    User a = user("da");
    User b = user("db");
    User stranger = user("dx");
    long group = server.post("/contact/createCommunity", Map.of("name", "sig-" + seq), stranger.token)
        .bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    try (ChatClient phone = v2(a); ChatClient laptop = v2(a); ChatClient old = ChatClient.open(server, a.token);
         ChatClient cb = v2(b)) {
      phone.send(ChatContract.text(a.id, b.id, "from my phone").put("clientMsgId", "d-1"));
      JsonObject ack = phone.nextJson();
      assertEquals("ack", ack.getString("Type"));
      JsonObject atB = cb.nextJson();
      JsonObject onLaptop = laptop.nextJson();
      assertEquals("from my phone", onLaptop.getJsonObject("message").getString("Content"), "the other device sees it");
      assertEquals(ack.getLong("seq"), onLaptop.getLong("seq"));
      assertTrue(onLaptop.getBoolean("copy", false), "marked as a copy: it does not move the laptop's cursor");
      assertFalse(atB.containsKey("copy"));
      assertEquals(atB.getLong("seq"), onLaptop.getLong("seq"));
      phone.expectNothing(200);   // the sending device has the ack, not a copy
      old.expectNothing(0);       // v1 sessions are unchanged: no copies, no signals

      long stored = server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", b.id);
      cb.send(new JsonObject().put("Type", "typing").put("TargetId", a.id));
      for (ChatClient device : new ChatClient[] {phone, laptop}) {
        JsonObject typing = device.nextJson();
        assertEquals("typing", typing.getString("Type"));
        assertEquals(b.id, typing.getLong("userId"));
        assertEquals(ack.getString("conversation"), typing.getString("conversation"));
      }
      cb.send(new JsonObject().put("Type", "read").put("conversation", ack.getString("conversation")).put("seq", ack.getLong("seq")));
      for (ChatClient device : new ChatClient[] {phone, laptop}) {
        JsonObject read = device.nextJson();
        assertEquals("read", read.getString("Type"));
        assertEquals(ack.getLong("seq"), read.getLong("seq"));
      }
      assertEquals(stored, server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", b.id), "signals are never stored");
      old.expectNothing(200);

      cb.send(new JsonObject().put("Type", "typing").put("TargetId", group).put("targetType", 2));
      assertEquals("not_a_member", cb.nextJson().getString("Error"));
      cb.send(new JsonObject().put("Type", "read").put("conversation", "bogus"));
      assertEquals("bad_field", cb.nextJson().getString("Error"));
    }
  }

  @Test
  void messageRateIsLimitedPerConnection() throws Exception {
    User a = user("ra");
    User b = user("rb");
    Thread.sleep(1100);   // a full bucket
    try (ChatClient ca = ChatClient.open(server, a.token); ChatClient cb = ChatClient.open(server, b.token)) {
      for (int i = 0; i < 12; i++) {
        ca.send(ChatContract.text(a.id, b.id, "burst " + i));
      }
      int limited = 0;
      for (int i = 0; i < 7; i++) {
        JsonObject e = ca.nextJson();
        assertEquals("rate_limited", e.getString("Error"), e.encode());
        limited++;
      }
      assertEquals(7, limited);
      long stored = server.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", a.id);
      assertEquals(5, stored, "only what was accepted is stored");
      for (int i = 0; i < 5; i++) {
        assertTrue(cb.nextJson().getString("Content").startsWith("burst "));
      }
      ca.send(ChatContract.heartbeat(a.id));   // heartbeats are never limited
      ca.expectNothing(200);
    }
  }

  @Test
  void connectionsPerUserAreLimited() {
    User a = user("ca");
    try (ChatClient one = ChatClient.open(server, a.token); ChatClient two = ChatClient.open(server, a.token);
         ChatClient three = ChatClient.open(server, a.token)) {
      try {
        TestServer.await(ChatClient.connect(server.app.vertx(), server.port, "/chat?token=" + a.token));
        fail("a fourth connection was accepted");
      } catch (IllegalStateException e) {
        Throwable cause = e.getCause() instanceof java.util.concurrent.ExecutionException ? e.getCause().getCause() : e.getCause();
        assertTrue(cause instanceof UpgradeRejectedException, String.valueOf(cause));
        assertEquals(429, ((UpgradeRejectedException) cause).getStatus());
      }
    }
    try (ChatClient afterwards = ChatClient.open(server, a.token)) {
      afterwards.send(ChatContract.heartbeat(a.id));   // closing gave the slots back
    }
  }

  @Test
  void oversizedFramesCloseTheConnection() throws Exception {
    User a = user("fa");
    ChatClient ca = ChatClient.open(server, a.token);
    ca.sendText("{\"Type\":1,\"TargetId\":1,\"Media\":1,\"Content\":\"" + "x".repeat(20_000) + "\"}");
    assertTrue(ca.awaitClosed(5000));
    assertTrue(ca.closeCode == 1009 || ca.closeCode == 1006 || ca.closeCode == -1, "dropped: " + ca.closeCode);
    ca.close();
  }

  @Test
  void groupsHaveAMaximumSize() {
    User owner = user("go");
    long group = server.post("/contact/createCommunity", Map.of("name", "small-" + seq), owner.token)
        .bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    for (int i = 0; i < 2; i++) {
      assertEquals(200, TestServer.status(server.post("/contact/joinGroup", Map.of("comId", Long.toString(group)), user("gm").token)));
    }
    HttpResponse<Buffer> full = server.post("/contact/joinGroup", Map.of("comId", Long.toString(group)), user("gx").token);
    assertEquals(409, TestServer.status(full));
    assertEquals("群成员已满（最多 3 人）", full.bodyAsJsonObject().getString("Msg"));
  }

  @Test
  void tenThousandMalformedFramesHarmNobodyElse() throws Exception {
    TestServer fuzzServer = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_GATEWAY_MESSAGES_PER_SECOND", "1000000", "MICHAT_GATEWAY_MESSAGE_BURST", "1000000"));
    try {
      JsonObject fu = fuzzServer.newUser("fuzzer");
      JsonObject pa = fuzzServer.newUser("peer-a");
      JsonObject pb = fuzzServer.newUser("peer-b");
      Random random = new Random(42);
      String[] shapes = {
          "not json", "{", "}", "[]", "null", "42", "\"str\"", "{\"Type\":\"1\"}", "{\"Type\":1.5,\"TargetId\":2}",
          "{\"Type\":99,\"TargetId\":2,\"Media\":1}", "{\"Type\":1,\"TargetId\":99999999999999999999,\"Media\":1}",
          "{\"Type\":1,\"TargetId\":-5,\"Media\":1}", "{\"Type\":1,\"TargetId\":2,\"Media\":77}",
          "{\"Type\":1,\"TargetId\":{\"a\":1},\"Media\":1}", "{\"Type\":1,\"TargetId\":[1],\"Media\":1}",
          "{\"Type\":1,\"TargetId\":2,\"Media\":1,\"Content\":123}", "{\"Type\":2,\"TargetId\":2,\"Media\":1}",
          "{\"Type\":1,\"TargetId\":true,\"Media\":1}", "{\"Type\":1e400,\"TargetId\":2,\"Media\":1}",
          "\u0000\u0001\u0002", "{\"Type\":1,\"TargetId\":2,\"Media\":1,\"Content\":\"\u0000\u0007\"," + "\"url\":\"" + "u".repeat(600) + "\"}"};
      ChatClient fuzzer = ChatClient.open(fuzzServer, fu.getString("Identity"));
      ChatClient a = ChatClient.open(fuzzServer, pa.getString("Identity"));
      ChatClient b = ChatClient.open(fuzzServer, pb.getString("Identity"));
      int bad = 0;
      for (int i = 0; i < 10_000; i++) {
        String frame;
        int pick = random.nextInt(shapes.length + 2);
        if (pick == shapes.length) {
          frame = "[".repeat(200) + "]".repeat(200);   // deep nesting
        } else if (pick == shapes.length + 1) {
          frame = "{\"Type\":1,\"TargetId\":" + random.nextLong() + ",\"Media\":" + random.nextInt() + "}";
        } else {
          frame = shapes[pick];
        }
        fuzzer.sendText(frame);
        bad++;
        if (i % 1000 == 0) {
          TestServer.await(fuzzer.socket.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) i, 0, 1})));
          bad++;
          a.send(ChatContract.text(pa.getLong("ID"), pb.getLong("ID"), "still here " + i));
          assertEquals("still here " + i, b.nextJson().getString("Content"), "others keep chatting");
        }
      }
      int errors = 0;
      while (errors < bad) {
        JsonObject e = new JsonObject(fuzzer.next(20_000));
        assertEquals(-1, e.getInteger("Type"), e.encode());
        errors++;
      }
      assertEquals(bad, errors, "every bad frame got an error frame");
      assertEquals(0, fuzzServer.count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", fu.getLong("ID")));
      assertFalse(fuzzer.socket.isClosed(), "the fuzzer's own connection still works");

      // 1 MB frames and malformed REST bodies
      fuzzer.sendText("x".repeat(1 << 20));
      assertTrue(fuzzer.awaitClosed(15_000), "a 1 MB message closes the connection");
      assertEquals((short) 1009, fuzzer.closeCode, "with 1009, message too big");
      String[] paths = {"/user/createUser", "/user/findUserByNameAndPwd", "/user/updateUser", "/contact/addfriend",
          "/contact/joinGroup", "/user/redisMsg", "/attach/upload", "/searchFriends"};
      String[] types = {"application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xx", "text/plain"};
      for (int i = 0; i < 400; i++) {
        byte[] body = new byte[random.nextInt(3000)];
        random.nextBytes(body);
        HttpResponse<Buffer> r = TestServer.await(fuzzServer.client.post(paths[i % paths.length])
            .putHeader("Content-Type", types[i % types.length])
            .putHeader("Authorization", "Bearer " + pa.getString("Identity"))
            .sendBuffer(Buffer.buffer(body)));
        assertTrue(TestServer.status(r) < 500, "no server error for garbage: " + TestServer.status(r) + " " + r.bodyAsString());
      }
      assertEquals(200, TestServer.status(fuzzServer.get("/health")));
      a.send(ChatContract.text(pa.getLong("ID"), pb.getLong("ID"), "after the storm"));
      assertEquals("after the storm", b.nextJson().getString("Content"));
      a.close();
      b.close();
      fuzzer.close();
    } finally {
      fuzzServer.close();
    }
  }
}
