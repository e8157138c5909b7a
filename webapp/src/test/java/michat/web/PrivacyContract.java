package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import michat.contract.Caller;
import michat.contract.RouterApi;
import michat.contract.ServiceBus;
import michat.ginchat.GinchatText;
import org.junit.jupiter.api.Test;

/**
 * Content and privacy (issue 17): a group's history starts, for a member, where they joined unless
 * its owner shares it; login and activity times are for oneself and friends. Against a real running
 * michat; subclasses choose the store.
 */
abstract class PrivacyContract {
  private static final AtomicInteger SEQ = new AtomicInteger();

  abstract TestServer server();

  record User(long id, String name, String token) {}

  User user(String prefix) {
    JsonObject u = server().newUser(prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
    return new User(u.getLong("ID"), u.getString("Name"), u.getString("Identity"));
  }

  // ---- group history starts at joining ----

  @Test
  void aLateJoinerGetsNothingFromBeforeJoiningInHistoryCatchUpOrGapFill() {
    User owner = user("ho");
    User early = user("he");
    User late = user("hl");
    long g = createGroup(owner, Map.of()).getLong("ID");
    join(early, g);
    say(owner, g, "before 1", "before 2", "before 3");
    join(late, g);

    assertEquals(List.of(), history(late, g, Map.of()), "nothing from before the join");
    assertEquals(List.of(), history(late, g, Map.of("isRev", "true")));
    say(owner, g, "after 1", "after 2");
    assertEquals(List.of("after 2", "after 1"), history(late, g, Map.of()));
    assertEquals(List.of("after 1", "after 2"), history(late, g, Map.of("isRev", "true")));
    assertEquals(List.of("after 2"), history(late, g, Map.of("isRev", "true", "start", "1", "end", "5")));
    assertEquals(List.of("after 1"), history(late, g, Map.of("start", "-1", "end", "-1")), "the oldest the member may read");
    List<String> all = List.of("before 1", "before 2", "before 3", "after 1", "after 2");
    assertEquals(all, history(early, g, Map.of("isRev", "true")), "members from before keep everything");
    assertEquals(all, history(owner, g, Map.of("isRev", "true")));

    String conversation = "g:" + g;
    // Catch-up on connect, from the saved cursor and from a resuming client's cursor of 0.
    try (ChatClient v1 = ChatClient.openWithBacklog(server(), late.token)) {
      assertEquals(List.of("after 1", "after 2"), List.of(v1.nextJson().getString("Content"), v1.nextJson().getString("Content")));
      v1.expectNothing(300);
    }
    try (ChatClient v2 = resumed(late, new JsonObject().put(conversation, 0))) {
      assertEquals(List.of(conversation + "#4", conversation + "#5"), ChatContract.nextMessages(v2, 2));
      v2.expectNothing(300);
    }
    // Gap fill, asked for the whole conversation, as a gateway does from a client's cursor.
    RouterApi.Range fill = TestServer.await(ServiceBus.of(server().app.vertx()).request(RouterApi.FILL,
        new RouterApi.Fill(new Caller(late.id, late.token), conversation, 0L, 5L)));
    assertEquals(3, fill.base(), fill.toString());
    assertEquals(List.of(4L, 5L), fill.messages().stream().map(RouterApi.Sequenced::seq).toList());
  }

  @Test
  void aGroupCreatedWithHistoryVisibleShowsItToLateJoinersButDoesNotPushIt() {
    User owner = user("vo");
    User late = user("vl");
    JsonObject group = createGroup(owner, Map.of("historyVisible", "true"));
    long g = group.getLong("ID");
    say(owner, g, "old 1", "old 2");
    JsonObject joined = join(late, g);
    assertEquals(List.of("old 1", "old 2"), history(late, g, Map.of("isRev", "true")));
    try (ChatClient v2 = resumed(late, new JsonObject().put("g:" + g, 0))) {
      assertEquals(List.of(), ChatContract.nextMessages(v2, 0), "shared history is read, not delivered as missed");
      v2.expectNothing(300);
    }
    assertEquals(true, group.getBoolean("HistoryVisible"), group.encode());
    assertEquals(true, joined.getBoolean("HistoryVisible"), joined.encode());
  }

  @Test
  void onlyTheOwnerChangesWhetherEarlierHistoryIsShared() {
    User owner = user("to");
    User late = user("tl");
    JsonObject group = createGroup(owner, Map.of());
    long g = group.getLong("ID");
    say(owner, g, "old 1", "old 2");
    join(late, g);
    assertEquals(List.of(), history(late, g, Map.of()));
    assertEquals(false, group.getBoolean("HistoryVisible"), "off unless asked for: " + group.encode());

    HttpResponse<Buffer> refused = server().post("/contact/updateCommunity",
        Map.of("comId", Long.toString(g), "historyVisible", "true"), late.token);
    ApiContract.assertH(refused, 403, -1, "只有群主可以修改群资料");
    ApiContract.assertH(server().post("/contact/updateCommunity", Map.of("ownerId", Long.toString(owner.id), "comId", Long.toString(g),
        "historyVisible", "true"), late.token), 403, -1, GinchatText.NOT_YOURSELF);
    ApiContract.assertH(server().post("/contact/updateCommunity", Map.of("comId", Long.toString(g), "historyVisible", "maybe"),
        owner.token), 400, -1, "参数 historyVisible 必须是 true 或 false（收到 'maybe'）");
    ApiContract.assertH(server().post("/contact/updateCommunity", Map.of("comId", Long.toString(g)), owner.token),
        400, -1, "缺少参数 historyVisible");
    ApiContract.assertH(server().post("/contact/updateCommunity", Map.of("comId", "987654321", "historyVisible", "true"), owner.token),
        404, -1, "没有找到群");
    ApiContract.assertH(server().post("/contact/updateCommunity", Map.of("historyVisible", "true")), 401, -1, null);
    assertEquals(List.of(), history(late, g, Map.of()), "a refused change changes nothing");

    HttpResponse<Buffer> shared = server().post("/contact/updateCommunity",
        Map.of("ownerId", Long.toString(owner.id), "comId", Long.toString(g), "historyVisible", "true"), owner.token);
    ApiContract.assertH(shared, 200, 0, GinchatText.GROUP_UPDATED);
    assertTrue(shared.bodyAsJsonObject().getJsonObject("Data").getBoolean("HistoryVisible"));
    awaitHistory(List.of("old 1", "old 2"), () -> history(late, g, Map.of("isRev", "true")));
    assertTrue(server().post("/contact/loadcommunity", Map.of(), late.token).bodyAsJsonObject().getJsonArray("Rows")
        .getJsonObject(0).getBoolean("HistoryVisible"));

    ApiContract.assertH(server().post("/contact/updateCommunity", Map.of("comId", Long.toString(g), "historyVisible", "false"),
        owner.token), 200, 0, GinchatText.GROUP_UPDATED);
    awaitHistory(List.of(), () -> history(late, g, Map.of()));
    assertEquals(List.of("old 1", "old 2"), history(owner, g, Map.of("isRev", "true")), "the owner sees everything");
  }

  // ---- presence and activity are for friends ----

  @Test
  void loginAndActivityTimesAreShownOnlyToOneselfAndFriends() {
    User a = user("aa");
    User friend = user("af");
    User stranger = user("as");
    ApiContract.assertH(server().post("/contact/addfriend", Map.of("targetName", friend.name), a.token), 200, 0, "添加好友成功");

    assertActivity(true, find(friend, a), "a friend's");
    assertActivity(true, find(friend, friend), "one's own");
    assertActivity(false, find(friend, stranger), "a stranger's");
    assertActivity(false, find(a, stranger), "a stranger's");

    assertActivity(true, listed(friend, a), "a friend's, listed");
    assertActivity(true, listed(stranger, stranger), "one's own, listed");
    assertActivity(false, listed(friend, stranger), "a stranger's, listed");
    assertActivity(false, listed(stranger, a), "a stranger's, listed");

    JsonObject row = server().post("/searchFriends", Map.of(), a.token).bodyAsJsonObject().getJsonArray("Rows").getJsonObject(0);
    assertActivity(true, row, "a friend's, in the friend list");
  }

  private JsonObject find(User who, User asSeenBy) {
    HttpResponse<Buffer> r = server().post("/user/find", Map.of("userId", Long.toString(who.id)), asSeenBy.token);
    ApiContract.assertH(r, 200, 0, "ok");
    return r.bodyAsJsonObject().getJsonObject("Data");
  }

  private JsonObject listed(User who, User asSeenBy) {
    HttpResponse<Buffer> r = server().post("/user/getUserList", Map.of(), asSeenBy.token);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("data").stream().map(o -> (JsonObject) o)
        .filter(u -> u.getLong("ID") == who.id).findFirst().orElseThrow();
  }

  /** Every user here has logged in (newUser does): login and heartbeat times exist, shown or not. */
  private static void assertActivity(boolean shown, JsonObject user, String whose) {
    for (String key : new String[] {"LoginTime", "HeartbeatTime", "LoginOutTime", "IsLogout"}) {
      assertTrue(user.containsKey(key), whose + " user object keeps " + key + ": " + user.encode());
    }
    if (shown) {
      assertNotNull(user.getString("LoginTime"), whose + ": " + user.encode());
      assertNotNull(user.getString("HeartbeatTime"), whose + ": " + user.encode());
    } else {
      assertNull(user.getValue("LoginTime"), whose + ": " + user.encode());
      assertNull(user.getValue("HeartbeatTime"), whose + ": " + user.encode());
      assertNull(user.getValue("LoginOutTime"), whose + ": " + user.encode());
      assertEquals(false, user.getBoolean("IsLogout"), whose + ": " + user.encode());
    }
  }

  // ---- helpers ----

  private JsonObject createGroup(User owner, Map<String, String> extra) {
    Map<String, String> form = new HashMap<>(extra);
    form.put("name", "g-" + owner.name);
    HttpResponse<Buffer> r = server().post("/contact/createCommunity", form, owner.token);
    ApiContract.assertH(r, 200, 0, "建群成功");
    return r.bodyAsJsonObject().getJsonObject("Data");
  }

  private JsonObject join(User u, long group) {
    HttpResponse<Buffer> r = server().post("/contact/joinGroup", Map.of("comId", Long.toString(group)), u.token);
    ApiContract.assertH(r, 200, 0, "加群成功");
    return r.bodyAsJsonObject().getJsonObject("Data");
  }

  /** Sends to the group and waits for each message's copy to come back to the sender: stored. */
  private void say(User sender, long group, String... contents) {
    try (ChatClient c = ChatClient.open(server(), sender.token)) {
      for (String content : contents) {
        c.send(ChatContract.groupText(sender.id, group, content));
        assertEquals(content, c.nextJson().getString("Content"));
      }
    }
  }

  private ChatClient resumed(User u, JsonObject cursors) {
    ChatClient c = TestServer.await(ChatClient.connect(server().app.vertx(), server().port,
        "/chat?v=2&resume=1&token=" + u.token));
    c.send(new JsonObject().put("Type", "resume").put("cursors", cursors));
    return c;
  }

  private List<String> history(User u, long group, Map<String, String> page) {
    Map<String, String> form = new HashMap<>(page);
    form.put("groupId", Long.toString(group));
    HttpResponse<Buffer> r = server().post("/user/redisGroupMsg", form, u.token);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    List<String> out = new ArrayList<>();
    JsonArray raw = r.bodyAsJsonObject().getJsonArray("Total");
    raw.forEach(s -> out.add(new JsonObject((String) s).getString("Content")));
    return out;
  }

  /** The router drops its cached copy of the group when told of the change: poll, with a deadline. */
  private static void awaitHistory(List<String> expected, Supplier<List<String>> read) {
    long deadline = System.currentTimeMillis() + 5000;
    List<String> got = read.get();
    while (!got.equals(expected) && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      got = read.get();
    }
    assertEquals(expected, got);
  }
}
