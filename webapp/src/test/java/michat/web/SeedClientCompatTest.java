package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The original ginchat browser front end, replayed call by call: the routes it calls with the fields
 * it sends, as a browser sends them (form posts from the page's own origin, the session in cookies,
 * never a token header), and only what it reads — it drops every answer that is not HTTP 200 without
 * a word, and shows {@code code}/{@code Code} -1 answers' message as a toast. docs/compat.md lists the
 * same calls.
 */
class SeedClientCompatTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.embedded();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** One browser: its cookie jar is shared by all its tabs. */
  private static final class Browser {
    final WebClientSession http = WebClientSession.create(server.client);
    final String origin = "http://127.0.0.1:" + server.port;

    /** A form post as the front end's AJAX helper makes it; what it shows is only a 200's body. */
    JsonObject post(String path, String... fields) {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      for (int i = 0; i < fields.length; i += 2) {
        form.add(fields[i], fields[i + 1]);
      }
      HttpResponse<Buffer> r = TestServer.await(http.post(path).putHeader("Origin", origin)
          .putHeader("Referer", origin + "/toChat").sendForm(form));
      assertEquals(200, r.statusCode(), path + " must answer 200 or the front end shows nothing: " + r.bodyAsString());
      return r.bodyAsJsonObject();
    }

    HttpResponse<Buffer> get(String uri) {
      return TestServer.await(http.get(uri).send());
    }

    /** Registers and logs in as the front end's two pages do; the login's data (ID, Identity = token). */
    User signUp(String name) {
      JsonObject created = post("/user/createUser", "name", name, "password", "pw-" + name, "Identity", "pw-" + name);
      assertG(created, 0, "新增用户成功！");
      JsonObject login = post("/user/findUserByNameAndPwd", "name", name, "password", "pw-" + name);
      assertG(login, 0, "登录成功");
      JsonObject data = login.getJsonObject("data");
      User u = new User(data.getLong("ID"), name, data.getString("Identity"));
      assertEquals(200, get("/toChat?userId=" + u.id + "&token=" + u.token).statusCode(), "the chat page opens");
      return u;
    }
  }

  private record User(long id, String name, String token) {
    String idText() {
      return Long.toString(id);
    }

    /** The chat socket as the front end opens it: user id and token in the URL, protocol v1. */
    ChatClient chat() {
      ChatClient c = TestServer.await(ChatClient.connect(server.app.vertx(), server.port,
          "/chat?userId=" + id + "&token=" + token));
      assertEquals("欢迎进入聊天系统", c.next());
      return c;
    }
  }

  private static String unique(String name) {
    return name + "-" + ProcessHandle.current().pid() % 10_000 + "-" + SEQ.incrementAndGet();
  }

  private static void assertG(JsonObject body, int code, String message) {
    assertEquals(code, body.getInteger("code"), body.encode());
    assertEquals(message, body.getString("message"), body.encode());
  }

  private static void assertH(JsonObject body, int code, String msg) {
    assertEquals(code, body.getInteger("Code"), body.encode());
    assertEquals(msg, body.getString("Msg"), body.encode());
  }

  private static JsonObject text(User from, long to, int type, String content) {
    return new JsonObject().put("TargetId", to).put("Type", type).put("CreateTime", System.currentTimeMillis())
        .put("userId", from.id).put("Media", 1).put("Content", content);
  }

  @Test
  void registrationAndLoginErrorsAreShown() {
    Browser browser = new Browser();
    String name = unique("reg");
    assertG(browser.post("/user/createUser", "name", "", "password", "", "Identity", ""), -1, "用户名或密码不能为空！");
    assertG(browser.post("/user/createUser", "name", name, "password", "a", "Identity", "b"), -1, "两次密码不一致！");
    browser.signUp(name);
    assertG(browser.post("/user/createUser", "name", name, "password", "x", "Identity", "x"), -1, "用户名已注册！");
    // michat's one answer for an unknown name and a wrong password (docs/compat.md, the differences).
    assertG(browser.post("/user/findUserByNameAndPwd", "name", name, "password", "wrong"), -1, "用户名或密码不正确");
    assertG(browser.post("/user/findUserByNameAndPwd", "name", unique("nobody"), "password", "x"), -1, "用户名或密码不正确");
    assertG(browser.post("/user/createUser", "name", "x".repeat(65), "password", "p", "Identity", "p"), -1, "名称最多 64 个字符");
  }

  @Test
  void friendsAndTheirErrors() {
    Browser browser = new Browser();
    User a = browser.signUp(unique("fa"));
    User b = new Browser().signUp(unique("fb"));
    assertH(browser.post("/contact/addfriend", "userId", a.idText(), "targetName", ""), -1, "好友ID不能为空");
    assertH(browser.post("/contact/addfriend", "userId", a.idText(), "targetName", a.name), -1, "不能加自己");
    assertH(browser.post("/contact/addfriend", "userId", a.idText(), "targetName", unique("ghost")), -1, "没有找到此用户");
    assertH(browser.post("/contact/addfriend", "userId", a.idText(), "targetName", b.name), 0, "添加好友成功");
    assertH(browser.post("/contact/addfriend", "userId", a.idText(), "targetName", b.name), -1, "不能重复添加");

    JsonObject friends = browser.post("/searchFriends", "userId", a.idText());
    assertEquals(0, friends.getInteger("Code"));
    assertEquals(1, friends.getInteger("Total"));
    assertEquals(b.name, friends.getJsonArray("Rows").getJsonObject(0).getString("Name"));
    JsonObject found = browser.post("/user/find", "userId", b.idText());
    assertH(found, 0, "ok");
    assertEquals(b.name, found.getJsonObject("Data").getString("Name"));
  }

  @Test
  void groupsAndTheirErrors() {
    Browser browser = new Browser();
    User owner = browser.signUp(unique("go"));
    User joiner = new Browser().signUp(unique("gj"));
    Browser joinersBrowser = new Browser();
    joinersBrowser.post("/user/findUserByNameAndPwd", "name", joiner.name, "password", "pw-" + joiner.name);
    String name = unique("group");
    // The fields the front end's create-group page sends.
    assertH(browser.post("/contact/createCommunity", "ownerId", owner.idText(), "icon", "", "cate", "1",
        "name", "", "memo", "", "desc", "d"), -1, "群名称不能为空");
    JsonObject created = browser.post("/contact/createCommunity", "ownerId", owner.idText(), "icon", "", "cate", "1",
        "name", name, "memo", "", "desc", "about");
    assertH(created, 0, "建群成功");
    assertH(browser.post("/contact/createCommunity", "ownerId", owner.idText(), "icon", "", "cate", "1",
        "name", name, "memo", "", "desc", ""), -1, "群名称已存在");

    assertH(joinersBrowser.post("/contact/joinGroup", "userId", joiner.idText(), "comId", unique("nogroup")), -1, "没有找到群");
    assertH(joinersBrowser.post("/contact/joinGroup", "userId", joiner.idText(), "comId", name), 0, "加群成功");
    assertH(joinersBrowser.post("/contact/joinGroup", "userId", joiner.idText(), "comId", name), -1, "已加过此群");
    JsonObject mine = joinersBrowser.post("/contact/loadcommunity", "ownerId", joiner.idText());
    assertEquals(0, mine.getInteger("Code"));
    assertEquals("查询成功", mine.getString("Total"));
    assertEquals(name, mine.getJsonArray("Rows").getJsonObject(0).getString("Name"));

    // A group message reaches every member, the sender included (the front end shows its own from the echo).
    try (ChatClient o = owner.chat(); ChatClient j = joiner.chat()) {
      long group = created.getJsonObject("Data").getLong("ID");
      o.send(text(owner, group, 2, "大家好"));
      assertEquals("大家好", o.nextJson().getString("Content"));
      assertEquals("大家好", j.nextJson().getString("Content"));
    }
  }

  @Test
  void withoutASessionTheUserIsAskedToLogIn() {
    Browser stranger = new Browser();
    assertH(stranger.post("/contact/createCommunity", "ownerId", "1", "icon", "", "cate", "1", "name", "x",
        "memo", "", "desc", ""), -1, "请先登录");
    assertH(stranger.post("/searchFriends", "userId", "1"), -1, "请先登录");
    assertG(stranger.post("/user/updateUser", "id", "1", "icon", "", "name", "x"), -1, "请先登录");
  }

  @Test
  void theProfilePageSavesAndItsErrorsAreShown() {
    Browser browser = new Browser();
    User u = browser.signUp(unique("pf"));
    JsonObject saved = browser.post("/user/updateUser", "id", u.idText(), "icon", "./asset/upload/me.png",
        "name", u.name);
    assertG(saved, 0, "修改用户成功！");   // the page reads res.Code; the answer's key is code, as the original's
    assertG(browser.post("/user/updateUser", "id", u.idText(), "phone", "12345"), -1, "修改参数不匹配！");
    assertG(browser.post("/user/updateUser", "id", u.idText(), "icon", "javascript:alert(1)", "name", u.name),
        -1, "头像必须是本站的图片或允许的图片网址");
  }

  @Test
  void aVoiceMessageAsTheFrontEndRecordsAndSendsIt() {
    Browser browser = new Browser();
    User a = browser.signUp(unique("va"));
    User b = new Browser().signUp(unique("vb"));
    // Chromium's MediaRecorder output: a WebM file, uploaded as "blob" with filetype .mp3.
    byte[] webm = new byte[2048];
    webm[0] = 0x1A;
    webm[1] = 0x45;
    webm[2] = (byte) 0xDF;
    webm[3] = (byte) 0xA3;
    HttpResponse<Buffer> r = TestServer.await(browser.http.post("/attach/upload").putHeader("Origin", browser.origin)
        .sendMultipartForm(MultipartForm.create().attribute("userid", a.idText()).attribute("filetype", ".mp3")
            .binaryFileUpload("file", "blob", Buffer.buffer(webm), "audio/webm")));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject uploaded = r.bodyAsJsonObject();
    assertH(uploaded, 0, "发送图片成功");
    String url = uploaded.getString("Data");
    assertTrue(url.startsWith("./asset/upload/") && url.endsWith(".webm"), url);
    HttpResponse<Buffer> served = browser.get(url.substring(1));
    assertEquals(200, served.statusCode());
    assertEquals(2048, served.body().length());

    HttpResponse<Buffer> notMedia = TestServer.await(browser.http.post("/attach/upload").putHeader("Origin", browser.origin)
        .sendMultipartForm(MultipartForm.create().attribute("filetype", ".mp3")
            .binaryFileUpload("file", "blob", Buffer.buffer("<html>not a recording</html>"), "audio/webm")));
    assertEquals(200, notMedia.statusCode());
    assertEquals(-1, notMedia.bodyAsJsonObject().getInteger("Code"));
    assertTrue(notMedia.bodyAsJsonObject().getString("Msg").startsWith("只能发送图片"), notMedia.bodyAsString());

    try (ChatClient ca = a.chat(); ChatClient cb = b.chat()) {
      JsonObject voice = new JsonObject().put("TargetId", b.id).put("Type", 1).put("CreateTime", System.currentTimeMillis())
          .put("userId", a.id).put("Media", 3).put("url", url).put("amount", 4);
      ca.send(voice);
      JsonObject got = cb.nextJson();
      assertEquals(url, got.getString("url"));
      assertEquals(4, got.getInteger("amount"));
      assertEquals(3, got.getInteger("Media"));
      // A sticker: a picture of the front end's own assets, relative to the page.
      JsonObject sticker = voice.copy().put("Media", 2).put("url", "asset/plugins/doutu/1/3.gif");
      sticker.remove("amount");
      ca.send(sticker);
      assertEquals("asset/plugins/doutu/1/3.gif", cb.nextJson().getString("url"));
    }
  }

  @Test
  void aMessageReceivedWhileOfflineShowsOnceWhenTheConversationIsOpened() {
    Browser browser = new Browser();
    User a = browser.signUp(unique("oa"));
    User b = new Browser().signUp(unique("ob"));
    try (ChatClient ca = a.chat()) {
      ca.send(text(a, b.id, 1, "你在吗"));
      ca.expectNothing(200);   // private messages are not echoed
      try (ChatClient cb = b.chat()) {
        // The front end loads the conversation when it is opened and appends every live frame: the
        // socket must not push the message as well, or it shows twice.
        List<String> shown = new ArrayList<>();
        JsonObject page = browser.post("/user/redisMsg", "userIdA", a.idText(), "userIdB", b.idText(),
            "start", "0", "end", "9", "isRev", "false");
        assertEquals("ok", page.getString("Rows"));
        JsonArray history = page.getJsonArray("Total");
        for (int i = history.size() - 1; i >= 0; i--) {
          shown.add(new JsonObject(history.getString(i)).getString("Content"));
        }
        cb.expectNothing(500);
        ca.send(text(a, b.id, 1, "看到了吗"));
        shown.add(cb.nextJson().getString("Content"));
        assertEquals(List.of("你在吗", "看到了吗"), shown);
        // Heartbeats as the front end sends them every 10 s keep the connection and are not messages.
        cb.send(new JsonObject().put("TargetId", 0).put("Type", 3).put("CreateTime", System.currentTimeMillis())
            .put("userId", b.id).put("Media", -1).put("Content", "心跳"));
        ca.expectNothing(300);
        cb.expectNothing(100);
      }
    }
  }

  @Test
  void twoUsersInTwoTabsOfOneBrowser() {
    Browser browser = new Browser();
    User alice = browser.signUp(unique("tabA"));
    User bob = browser.signUp(unique("tabB"));   // the second tab's login, in the same cookie jar
    // The first tab goes on as Alice: every call names its user.
    assertH(browser.post("/contact/addfriend", "userId", alice.idText(), "targetName", bob.name), 0, "添加好友成功");
    JsonObject alicesFriends = browser.post("/searchFriends", "userId", alice.idText());
    assertEquals(bob.name, alicesFriends.getJsonArray("Rows").getJsonObject(0).getString("Name"));
    JsonObject bobsFriends = browser.post("/searchFriends", "userId", bob.idText());
    assertEquals(alice.name, bobsFriends.getJsonArray("Rows").getJsonObject(0).getString("Name"));
    assertH(browser.post("/contact/createCommunity", "ownerId", alice.idText(), "icon", "", "cate", "1",
        "name", unique("tabs"), "memo", "", "desc", ""), 0, "建群成功");
    JsonObject groups = browser.post("/contact/loadcommunity", "ownerId", alice.idText());
    assertEquals(1, groups.getJsonArray("Rows").size(), "Alice's group, not Bob's empty list");
    assertNotNull(browser.post("/user/find", "userId", alice.idText()).getJsonObject("Data"));
    assertEquals(200, browser.get("/toChat?userId=" + alice.id + "&token=" + alice.token).statusCode());
    // Each tab's socket, and a message between them.
    try (ChatClient a = alice.chat(); ChatClient b = bob.chat()) {
      a.send(text(alice, bob.id, 1, "hi from tab 1"));
      assertEquals("hi from tab 1", b.nextJson().getString("Content"));
      b.send(text(bob, alice.id, 1, "hi from tab 2"));
      assertEquals("hi from tab 2", a.nextJson().getString("Content"));
    }
  }
}
