package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.OnlineQuery;
import michat.contract.RouterApi.Deliveries;
import michat.contract.ServiceBus;
import org.junit.jupiter.api.Test;

/**
 * Real-time chat over real WebSocket clients (docs/protocol.md): private and group
 * messages, several sessions, offline backlog, impersonation, tokens, invalid frames, history and the
 * pub/sub socket. Subclasses choose the stores.
 */
abstract class ChatContract {
  private static final AtomicInteger SEQ = new AtomicInteger();

  abstract TestServer server();

  /** Publishes a payload the way operators do: Redis PUBLISH, or the event bus on the embedded default. */
  abstract void publishOnChannel(String payload);

  record User(long id, String name, String token) {}

  User user(String prefix) {
    JsonObject u = server().newUser(prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
    return new User(u.getLong("ID"), u.getString("Name"), u.getString("Identity"));
  }

  static JsonObject text(long from, long to, String content) {
    return new JsonObject().put("TargetId", to).put("Type", 1).put("CreateTime", System.currentTimeMillis())
        .put("userId", from).put("Media", 1).put("Content", content);
  }

  static JsonObject groupText(long from, long group, String content) {
    return text(from, group, content).put("Type", 2);
  }

  static JsonObject heartbeat(long from) {
    return new JsonObject().put("TargetId", 0).put("Type", 3).put("CreateTime", System.currentTimeMillis())
        .put("userId", from).put("Media", -1).put("Content", "心跳");
  }

  long createGroup(User owner, User... members) {
    HttpResponse<Buffer> r = server().post("/contact/createCommunity", Map.of("name", "g-" + owner.name), owner.token);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    long id = r.bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    for (User m : members) {
      assertEquals(200, TestServer.status(server().post("/contact/joinGroup", Map.of("comId", Long.toString(id)), m.token)));
    }
    return id;
  }

  @Test
  void privateMessagesBothWaysWithoutEcho() {
    User a = user("a");
    User b = user("b");
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token)) {
      JsonObject sent = text(a.id, b.id, "你好 <b>bob</b>");
      ca.send(sent);
      JsonObject got = cb.nextJson();
      assertEquals(sent, got, "the recipient gets the sender's JSON as sent");
      cb.send(text(b.id, a.id, "hi alice"));
      assertEquals("hi alice", ca.nextJson().getString("Content"));
      ca.expectNothing(300);
      cb.expectNothing(0);
    }
  }

  @Test
  void groupMessagesReachEveryMemberIncludingTheSender() {
    User a = user("ga");
    User b = user("gb");
    User c = user("gc");
    User outsider = user("gx");
    long group = createGroup(a, b, c);
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token);
         ChatClient cc = ChatClient.open(server(), c.token); ChatClient cx = ChatClient.open(server(), outsider.token)) {
      cb.send(groupText(b.id, group, "hello group"));
      for (ChatClient member : List.of(ca, cb, cc)) {
        JsonObject got = member.nextJson();
        assertEquals("hello group", got.getString("Content"));
        assertEquals(b.id, got.getLong("userId"));
      }
      cx.send(groupText(outsider.id, group, "let me in"));
      cx.nextError("not_a_member");
      ca.expectNothing(300);
    }
  }

  @Test
  void everySessionOfAUserReceives() {
    User a = user("sa");
    User b = user("sb");
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient phone = ChatClient.open(server(), b.token);
         ChatClient laptop = ChatClient.open(server(), b.token)) {
      ca.send(text(a.id, b.id, "to both"));
      assertEquals("to both", phone.nextJson().getString("Content"));
      assertEquals("to both", laptop.nextJson().getString("Content"));
    }
  }

  @Test
  void aV1ClientGetsOnlyLiveMessagesAsWithTheOriginalAndReadsTheRestInHistory() {
    User a = user("va");
    User b = user("vb");
    try (ChatClient ca = ChatClient.open(server(), a.token)) {
      ca.send(text(a.id, b.id, "while you were away"));
      ca.expectNothing(200);
      try (ChatClient cb = ChatClient.open(server(), b.token)) {
        cb.expectNothing(300);   // the original front end loads the history when it opens the conversation
        ca.send(text(a.id, b.id, "live"));
        assertEquals("live", cb.nextJson().getString("Content"), "not held back for the message before it");
        cb.expectNothing(300);
      }
    }
    JsonObject page = TestServer.json(server().post("/user/redisMsg", Map.of("userIdA", Long.toString(b.id),
        "userIdB", Long.toString(a.id), "start", "0", "end", "-1", "isRev", "true"), b.token));
    assertEquals(List.of("while you were away", "live"), contents(page.getJsonArray("Total")));
  }

  @Test
  void offlineUserGetsTheBacklogInOrderOnConnect() {
    User a = user("oa");
    User b = user("ob");
    User c = user("oc");
    long group = createGroup(a, b);
    try (ChatClient ca = ChatClient.open(server(), a.token)) {
      for (int i = 1; i <= 5; i++) {
        ca.send(text(a.id, b.id, "missed " + i));
      }
      ca.send(groupText(a.id, group, "group while away"));
      assertEquals("group while away", ca.nextJson().getString("Content"));
    }
    try (ChatClient cc = ChatClient.open(server(), c.token)) {
      cc.send(text(c.id, b.id, "from carol"));
      cc.expectNothing(300);
    }
    try (ChatClient cb = ChatClient.openWithBacklog(server(), b.token)) {
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        got.add(cb.nextJson().getString("Content"));
      }
      assertEquals(List.of("missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "group while away", "from carol"), got);
      cb.expectNothing(300);
    }
    awaitCursorsSaved(b.id);
    try (ChatClient again = ChatClient.openWithBacklog(server(), b.token)) {
      again.expectNothing(500);   // delivered once: the next connect starts after it
    }
  }

  @Test
  void inOneProcessAPushAsksPresenceNothingSoAPresenceFailureCannotHoldItUp() {
    User a = user("ra");
    User b = user("rb");
    AtomicBoolean armed = new AtomicBoolean();
    AtomicInteger lookups = new AtomicInteger();
    // Presence would fail every lookup, as a Redis hiccup would; in one process the router has no
    // reason to ask (every gateway is here), so the push goes out at once. (Clustered, a failed lookup
    // sends it to every node: DeliveryPublisherTest, and the fault matrix's Redis rows.)
    Handler<DeliveryContext<Object>> failLookups = ctx -> {
      if (armed.get() && ctx.message().address().equals(PresenceApi.LOCATE.address())) {
        lookups.incrementAndGet();
        ctx.message().fail(500, "presence unavailable for a moment");
        return;
      }
      ctx.next();
    };
    server().app.vertx().eventBus().addOutboundInterceptor(failLookups);
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token)) {
      armed.set(true);
      ca.send(text(a.id, b.id, "the only message"));
      assertEquals("the only message", cb.nextJson().getString("Content"));
      assertEquals(0, lookups.get(), "no presence lookup for a push inside one process");
      cb.expectNothing(300);
    } finally {
      server().app.vertx().eventBus().removeOutboundInterceptor(failLookups);
    }
  }

  @Test
  void aSessionPresenceDidNotTakeIsRegisteredAgainAndGetsLiveMessages() throws Exception {
    User a = user("pa");
    User b = user("pb");
    AtomicBoolean failed = new AtomicBoolean();
    // Presence does not take b's registration, as a Redis that answered too late would.
    Handler<DeliveryContext<Object>> failOnce = ctx -> {
      if (ctx.message().body() instanceof PresenceApi.Connect c && c.userId() == b.id && failed.compareAndSet(false, true)) {
        ctx.message().fail(503, "presence did not answer");
        return;
      }
      ctx.next();
    };
    server().app.vertx().eventBus().addOutboundInterceptor(failOnce);
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token)) {
      assertTrue(failed.get(), "the first registration failed");
      assertTrue(eventually(() -> server().online(b.id)), "registered again");
      ca.send(text(a.id, b.id, "found"));
      assertEquals("found", cb.nextJson().getString("Content"));
    } finally {
      server().app.vertx().eventBus().removeOutboundInterceptor(failOnce);
    }
  }

  /** A v2 connection; with {@code resume} non-null, opened with resume=1 and resumed from these cursors. */
  ChatClient v2(User u, JsonObject resume) {
    ChatClient c = TestServer.await(ChatClient.connect(server().app.vertx(), server().port,
        "/chat?v=2&token=" + u.token + (resume == null ? "" : "&resume=1")));
    if (resume != null) {
      c.send(new JsonObject().put("Type", "resume").put("cursors", resume));
    }
    return c;
  }

  /** The (conversation, seq) of the next n message frames, after the welcome. */
  static List<String> nextMessages(ChatClient c, int n) {
    assertEquals("欢迎进入聊天系统", c.next());
    List<String> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject f = c.nextJson();
      assertEquals("msg", f.getString("Type"), f.encode());
      got.add(f.getString("conversation") + "#" + f.getLong("seq"));
    }
    return got;
  }

  @Test
  void v2ResumeSendsExactlyWhatTheClientLacksAndAcksMoveTheSavedCursor() {
    User a = user("ra");
    User b = user("rb");
    long group = createGroup(a, b);
    String p = "p:" + Math.min(a.id, b.id) + ":" + Math.max(a.id, b.id);
    String g = "g:" + group;
    try (ChatClient ca = ChatClient.open(server(), a.token)) {
      for (int i = 1; i <= 5; i++) {
        ca.send(text(a.id, b.id, "p" + i));
      }
      ca.send(groupText(a.id, group, "g1"));
      ca.send(groupText(a.id, group, "g2"));
      ca.nextJson();
      ca.nextJson();   // a's own copies of the group messages: all stored
    }
    List<String> all = List.of(p + "#1", p + "#2", p + "#3", p + "#4", p + "#5", g + "#1", g + "#2");
    // Without resume and without acknowledgements: everything, and again on the next connect.
    try (ChatClient cb = v2(b, null)) {
      assertEquals(all, nextMessages(cb, 7));
      cb.send(new JsonObject().put("Type", "delivered").put("conversation", p).put("seq", 3));
      cb.send(new JsonObject().put("Type", "delivered").put("conversation", g).put("seq", 99));   // beyond: clamped
      cb.expectNothing(300);
    }
    awaitCursorsSaved(b.id);
    assertEquals(3, server().count("SELECT delivered_seq FROM delivery_cursors WHERE user_id = ? AND conversation = '" + p + "'", b.id));
    assertEquals(2, server().count("SELECT delivered_seq FROM delivery_cursors WHERE user_id = ? AND conversation = '" + g + "'", b.id),
        "an acknowledgement never moves the cursor beyond what was sent");
    try (ChatClient cb = v2(b, null)) {
      assertEquals(List.of(p + "#4", p + "#5"), nextMessages(cb, 2), "after what was acknowledged");
      cb.expectNothing(300);
    }
    // A device that has p up to 1 and nothing of the group: exactly the rest, once.
    try (ChatClient cb = v2(b, new JsonObject().put(p, 1).put(g, 0).put("p:999998:999999", 5))) {
      JsonObject ignored = cb.nextJson();
      assertEquals("bad_resume", ignored.getString("Error"), ignored.encode());
      assertTrue(ignored.getString("Msg").contains("p:999998:999999"));
      assertEquals(List.of(p + "#2", p + "#3", p + "#4", p + "#5", g + "#1", g + "#2"), nextMessages(cb, 6));
      cb.expectNothing(300);
      // live ones follow on, a stray resume is refused
      try (ChatClient ca = ChatClient.open(server(), a.token)) {
        ca.send(text(a.id, b.id, "p6"));
        JsonObject live = cb.nextJson();
        assertEquals(p, live.getString("conversation"));
        assertEquals(6, live.getLong("seq"));
      }
      cb.send(new JsonObject().put("Type", "resume").put("cursors", new JsonObject()));
      cb.nextError("unexpected_resume");
    }
    // Up to date: nothing at all.
    try (ChatClient cb = v2(b, new JsonObject().put(p, 6).put(g, 2))) {
      assertEquals(List.of(), nextMessages(cb, 0));
      cb.expectNothing(500);
    }
    // A malformed resume is refused clearly; the saved cursors apply.
    ChatClient bad = TestServer.await(ChatClient.connect(server().app.vertx(), server().port,
        "/chat?v=2&resume=1&token=" + b.token));
    try (bad) {
      bad.send(new JsonObject().put("Type", "resume").put("cursors", new JsonObject().put(p, "three")));
      bad.nextError("bad_resume");
      assertEquals(List.of(p + "#4", p + "#5", p + "#6"), nextMessages(bad, 3));
    }
  }

  @Test
  void aMessageThatWasNeverPushedIsFetchedBeforeTheNextOne() {
    User a = user("la");
    User b = user("lb");
    AtomicBoolean dropped = new AtomicBoolean();
    // Loses the live push of one message on its way to the gateway, as a node hiccup would.
    Handler<DeliveryContext<Object>> lose = ctx -> {
      if (ctx.message().body() instanceof Deliveries d && d.messages() != null
          && d.messages().stream().anyMatch(m -> m.frame().contains("lost on the way")) && dropped.compareAndSet(false, true)) {
        return;
      }
      ctx.next();
    };
    server().app.vertx().eventBus().addOutboundInterceptor(lose);
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token)) {
      ca.send(text(a.id, b.id, "first"));
      assertEquals("first", cb.nextJson().getString("Content"));
      ca.send(text(a.id, b.id, "lost on the way"));
      cb.expectNothing(300);
      assertTrue(dropped.get());
      cb.send(text(b.id, a.id, "a reply in between"));
      assertEquals("a reply in between", ca.nextJson().getString("Content"));
      ca.send(text(a.id, b.id, "third"));
      assertEquals("lost on the way", cb.nextJson().getString("Content"), "the gap is filled first");
      assertEquals("third", cb.nextJson().getString("Content"));
      cb.expectNothing(300);
    } finally {
      server().app.vertx().eventBus().removeOutboundInterceptor(lose);
    }
    awaitCursorsSaved(b.id);
    try (ChatClient again = ChatClient.open(server(), b.token)) {
      again.expectNothing(500);   // all of it was delivered once: nothing comes again
    }
  }

  @Test
  void theSenderIsTheTokensUserWhateverTheFrameSays() {
    User a = user("ia");
    User b = user("ib");
    User victim = user("iv");
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token)) {
      ca.send(text(victim.id, b.id, "I am someone else").put("UserId", victim.id));
      JsonObject got = cb.nextJson();
      assertEquals(a.id, got.getLong("userId"));
      assertEquals(a.id, got.getLong("UserId"));
      ca.send(text(0, b.id, "no id").copy());
      assertEquals(a.id, cb.nextJson().getLong("userId"));
    }
  }

  @Test
  void missingForgedAndExpiredTokensAreRefusedBeforeTheUpgrade() {
    User a = user("ta");
    for (String uri : new String[] {"/chat", "/chat?userId=" + a.id, "/chat?token=garbage",
        "/chat?token=" + TestServer.forgedSignature(a.token), "/user/sendUserMsg?userId=" + a.id}) {
      try {
        TestServer.await(ChatClient.connect(server().app.vertx(), server().port, uri));
        fail("connected without a valid token: " + uri);
      } catch (IllegalStateException e) {
        Throwable cause = e.getCause() instanceof java.util.concurrent.ExecutionException ? e.getCause().getCause() : e.getCause();
        assertTrue(cause instanceof UpgradeRejectedException, String.valueOf(cause));
        assertEquals(401, ((UpgradeRejectedException) cause).getStatus());
      }
    }
    try (ChatClient alias = ChatClient.open(server(), a.token)) {
      alias.send(heartbeat(a.id));
    }
    ChatClient viaAlias = TestServer.await(ChatClient.connect(server().app.vertx(), server().port,
        "/user/sendUserMsg?userId=" + a.id + "&token=" + a.token));
    assertEquals("欢迎进入聊天系统", viaAlias.next());
    viaAlias.close();
  }

  @Test
  void invalidFramesGetAnErrorAndTheSocketKeepsWorking() {
    User a = user("fa");
    User b = user("fb");
    User stranger = user("fs");
    long group = createGroup(stranger);
    try (ChatClient ca = ChatClient.open(server(), a.token); ChatClient cb = ChatClient.open(server(), b.token)) {
      ca.sendText("not json at all");
      ca.nextError("bad_json");
      ca.sendText("[1,2,3]");
      ca.nextError("bad_json");
      ca.send(text(a.id, b.id, "x").put("Type", 7));
      ca.nextError("unknown_type");
      ca.send(text(a.id, b.id, "x").put("Media", 99));
      ca.nextError("unknown_media");
      JsonObject noTarget = text(a.id, b.id, "x");
      noTarget.remove("TargetId");
      ca.send(noTarget);
      ca.nextError("missing_target");
      ca.send(text(a.id, b.id, "x").put("TargetId", "abc"));
      ca.nextError("bad_field");
      ca.send(text(a.id, 987_654_321L, "nobody"));
      ca.nextError("no_such_user");
      ca.send(groupText(a.id, 987_654_321L, "no group"));
      ca.nextError("no_such_group");
      ca.send(groupText(a.id, group, "not my group"));
      ca.nextError("not_a_member");
      JsonObject big = text(a.id, b.id, "字".repeat(1366));   // 4098 bytes of UTF-8
      ca.send(big);
      JsonObject tooLarge = ca.nextError("too_large");
      assertEquals(big.getLong("CreateTime"), tooLarge.getLong("Ref"));
      TestServer.await(ca.socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3})));
      ca.nextError("binary_not_supported");
      cb.expectNothing(200);
      assertEquals(0, server().count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", a.id), "nothing stored");

      ca.send(text(a.id, b.id, "still works"));
      assertEquals("still works", cb.nextJson().getString("Content"));
      assertEquals(1, server().count("SELECT COUNT(*) FROM messages WHERE sender_id = ?", a.id));
    }
  }

  @Test
  void historyPagesNewestFirstUnlessReversed() {
    User a = user("ha");
    User b = user("hb");
    User c = user("hc");
    long group = createGroup(a, b);
    try (ChatClient ca = ChatClient.open(server(), a.token)) {
      for (int i = 1; i <= 5; i++) {
        ca.send(text(a.id, b.id, "m" + i));
      }
      ca.send(groupText(a.id, group, "g1"));
      ca.nextJson();
    }
    HttpResponse<Buffer> newest = server().post("/user/redisMsg",
        Map.of("userIdA", Long.toString(b.id), "userIdB", Long.toString(a.id), "start", "0", "end", "1"), b.token);
    assertEquals(200, TestServer.status(newest), newest.bodyAsString());
    assertEquals("ok", newest.bodyAsJsonObject().getString("Rows"));
    assertEquals(List.of("m5", "m4"), contents(newest.bodyAsJsonObject().getJsonArray("Total")));
    HttpResponse<Buffer> oldest = server().post("/user/redisMsg",
        Map.of("userIdA", Long.toString(a.id), "userIdB", Long.toString(b.id), "start", "0", "end", "-1", "isRev", "true"), a.token);
    assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), contents(oldest.bodyAsJsonObject().getJsonArray("Total")));
    HttpResponse<Buffer> middle = server().post("/user/redisMsg",
        Map.of("userIdB", Long.toString(b.id), "start", "1", "end", "3"), a.token);
    assertEquals(List.of("m4", "m3", "m2"), contents(middle.bodyAsJsonObject().getJsonArray("Total")));
    HttpResponse<Buffer> empty = server().post("/user/redisMsg", Map.of("userIdB", Long.toString(c.id)), a.token);
    assertEquals(0, empty.bodyAsJsonObject().getJsonArray("Total").size());

    HttpResponse<Buffer> nosy = server().post("/user/redisMsg",
        Map.of("userIdA", Long.toString(a.id), "userIdB", Long.toString(b.id)), c.token);
    assertEquals(403, TestServer.status(nosy));
    HttpResponse<Buffer> groupPage = server().post("/user/redisGroupMsg", Map.of("groupId", Long.toString(group)), b.token);
    assertEquals(List.of("g1"), contents(groupPage.bodyAsJsonObject().getJsonArray("Total")));
    assertEquals(403, TestServer.status(server().post("/user/redisGroupMsg", Map.of("groupId", Long.toString(group)), c.token)));
    assertEquals(400, TestServer.status(server().post("/user/redisMsg", Map.of("userIdB", "x"), a.token)));
  }

  private static List<String> contents(JsonArray rawJsonStrings) {
    List<String> out = new ArrayList<>();
    rawJsonStrings.forEach(s -> out.add(new JsonObject((String) s).getString("Content")));
    return out;
  }

  @Test
  void friendsListShowsWhoIsOnline() {
    User a = user("fa");
    User b = user("fb");
    User c = user("fc");
    server().post("/contact/addfriend", Map.of("targetName", b.name), a.token);
    server().post("/contact/addfriend", Map.of("targetName", c.name), a.token);
    try (ChatClient cb = ChatClient.open(server(), b.token)) {
      JsonArray rows = server().post("/searchFriends", Map.of(), a.token).bodyAsJsonObject().getJsonArray("Rows");
      assertEquals(2, rows.size());
      for (Object o : rows) {
        JsonObject f = (JsonObject) o;
        assertEquals(f.getLong("ID") == b.id, f.getBoolean("Online"), f.encode());
      }
    }
  }

  @Test
  void presenceFollowsConnectsAndDisconnects() throws Exception {
    User a = user("pa");
    assertFalse(isOnline(a.id));
    ChatClient first = ChatClient.open(server(), a.token);
    ChatClient second = ChatClient.open(server(), a.token);
    assertTrue(isOnline(a.id));
    first.close();
    Thread.sleep(200);
    assertTrue(isOnline(a.id), "still online with one session left");
    second.close();
    assertTrue(eventually(() -> !isOnline(a.id)), "offline at once when the last session closes");
  }

  /**
   * A closed connection saves how far it was served asynchronously; a reconnect within those
   * milliseconds may see messages again (docs/protocol.md). Waits until the saved cursors settle.
   */
  void awaitCursorsSaved(long userId) {
    long deadline = System.currentTimeMillis() + 5000;
    long last = -1;
    long stableSince = System.currentTimeMillis();
    while (System.currentTimeMillis() < deadline) {
      long now = server().count("SELECT COALESCE(SUM(delivered_seq), 0) FROM delivery_cursors WHERE user_id = ?", userId);
      if (now != last) {
        last = now;
        stableSince = System.currentTimeMillis();
      } else if (now > 0 && System.currentTimeMillis() - stableSince > 300) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    fail("cursors of user " + userId + " were not saved");
  }

  boolean isOnline(long userId) {
    return TestServer.await(ServiceBus.of(server().app.vertx()).request(PresenceApi.ONLINE,
        new OnlineQuery(List.of(userId)))).userIds().contains(userId);
  }

  static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  @Test
  void pubSubSocketGetsEveryPublishedPayload() {
    ChatClient listener = TestServer.await(ChatClient.connect(server().app.vertx(), server().port, "/user/sendMsg"));
    try (listener) {
      // the subscription may still be settling right after connect: publish until the first arrives
      String got = null;
      for (int i = 0; i < 20 && got == null; i++) {
        publishOnChannel("hello subscribers");
        try {
          got = listener.next(250);
        } catch (AssertionError notYet) {
          // retry
        }
      }
      assertTrue(got != null && got.matches("\\[ws]\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d]:hello subscribers"), got);
    }
  }
}
