package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import michat.config.ConfigKeys;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.ginchat.GinchatText;
import org.junit.jupiter.api.Test;

/**
 * The ginchat HTTP surface (docs/http-api.md) against a real running michat: every route, the original's
 * messages, authentication and authorization, bad input. Subclasses choose the store.
 */
abstract class ApiContract {
  private static final AtomicInteger SEQ = new AtomicInteger();
  /** A 1x1 PNG. */
  static final byte[] PNG = java.util.Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  abstract TestServer server();

  static String unique(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
  }

  private static void assertG(HttpResponse<Buffer> r, int status, int code, String message) {
    assertStatus(r, status);
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getInteger("code"), r.bodyAsString());
    assertEquals(message, body.getString("message"), r.bodyAsString());
    assertTrue(body.containsKey("data"));
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
  }

  /** An H-shaped answer (all five keys) with this status, Code and (unless null) Msg. */
  static void assertH(HttpResponse<Buffer> r, int status, int code, String msg) {
    assertStatus(r, status);
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getInteger("Code"), r.bodyAsString());
    if (msg != null) {
      assertEquals(msg, body.getString("Msg"), r.bodyAsString());
    }
    for (String key : new String[] {"Code", "Msg", "Data", "Rows", "Total"}) {
      assertTrue(body.containsKey(key), "H shape has " + key + ": " + r.bodyAsString());
    }
  }

  /**
   * michat's status of a ginchat route's answer: in X-Michat-Status, while the HTTP status is 200
   * whatever happened, as the original server answered (its front end ignores anything else).
   */
  static void assertStatus(HttpResponse<Buffer> r, int status) {
    assertEquals(200, r.statusCode(), "ginchat routes answer HTTP 200: " + r.bodyAsString());
    assertEquals(String.valueOf(status), r.getHeader("X-Michat-Status"), r.bodyAsString());
  }

  // ---- registration and login ----

  @Test
  void registerThenLoginReturnsTokenAndCookieButNeverTheHash() {
    String name = unique("alice");
    HttpResponse<Buffer> reg = server().post("/user/createUser", Map.of("name", name, "password", "s3cret!", "Identity", "s3cret!"));
    assertG(reg, 200, 0, "新增用户成功！");
    assertEquals(name, reg.bodyAsJsonObject().getJsonObject("data").getString("Name"));

    HttpResponse<Buffer> login = server().post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "s3cret!"));
    assertG(login, 200, 0, "登录成功");
    JsonObject user = login.bodyAsJsonObject().getJsonObject("data");
    assertTrue(user.getLong("ID") > 0);
    assertEquals(3, user.getString("Identity").split("\\.").length, "a signed JWT in data.Identity");
    String cookie = login.cookies().stream().filter(c -> c.startsWith("michat_token=")).findFirst().orElseThrow();
    assertTrue(cookie.toLowerCase().contains("httponly"), cookie);
    assertTrue(cookie.contains("SameSite=Lax"), cookie);

    String stored = server().queryString("SELECT password_hash FROM users WHERE name = ?", name);
    assertTrue(stored.startsWith("pbkdf2_sha256$"), stored);
    assertFalse(stored.contains("s3cret!"));
    for (HttpResponse<Buffer> r : new HttpResponse[] {reg, login}) {
      assertFalse(r.bodyAsString().contains("pbkdf2"), "no hash in " + r.bodyAsString());
      assertFalse(r.bodyAsString().toLowerCase().contains("salt"), "no salt in " + r.bodyAsString());
      assertFalse(r.bodyAsString().contains("PassWord"), r.bodyAsString());
    }
  }

  @Test
  void registrationErrorsUseTheGinchatMessagesAndStoreNothing() {
    String name = unique("bob");
    assertG(server().post("/user/createUser", Map.of("name", "", "password", "a", "Identity", "a")), 400, -1, "用户名或密码不能为空！");
    assertG(server().post("/user/createUser", Map.of("name", name)), 400, -1, "用户名或密码不能为空！");
    assertG(server().post("/user/createUser", Map.of("name", name, "password", "a", "Identity", "b")), 400, -1, "两次密码不一致！");
    assertEquals(0, server().count("SELECT COUNT(*) FROM users WHERE name = ?", name));
    assertG(server().post("/user/createUser", Map.of("name", name, "password", "a", "Identity", "a")), 200, 0, "新增用户成功！");
    assertG(server().post("/user/createUser", Map.of("name", name, "password", "a", "Identity", "a")), 409, -1, "用户名已注册！");

    String huge = "x".repeat(10_000);
    HttpResponse<Buffer> tooLong = server().post("/user/createUser", Map.of("name", huge, "password", "a", "Identity", "a"));
    assertG(tooLong, 400, -1, "名称最多 64 个字符");
    assertEquals(0, server().count("SELECT COUNT(*) FROM users WHERE name = ?", huge));
    assertG(server().post("/user/createUser", Map.of("name", "tab\there", "password", "a", "Identity", "a")),
        400, -1, "名称含有无法识别的字符或控制字符");
  }

  @Test
  void nonUtf8BytesAreRefused() {
    HttpResponse<Buffer> r = TestServer.await(server().client.post("/user/createUser")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("name=%FF%FEbad&password=a&Identity=a")));
    assertG(r, 400, -1, "名称含有无法识别的字符或控制字符");
  }

  @Test
  void sqlInjectionAndHtmlAreStoredVerbatim() {
    String sqli = unique("x' OR '1'='1; DROP TABLE users; --");
    String html = unique("<img src=x onerror=alert(1)>");
    for (String name : new String[] {sqli, html}) {
      assertG(server().post("/user/createUser", Map.of("name", name, "password", "p", "Identity", "p")), 200, 0, "新增用户成功！");
      HttpResponse<Buffer> login = server().post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "p"));
      assertG(login, 200, 0, "登录成功");
      assertEquals(name, login.bodyAsJsonObject().getJsonObject("data").getString("Name"));
    }
    assertEquals(sqli, server().queryString("SELECT name FROM users WHERE name = ?", sqli));
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", "' OR '1'='1", "password", "' OR '1'='1")),
        401, -1, "用户名或密码不正确");
  }

  @Test
  void jsonBodiesAreAcceptedToo() {
    String name = unique("json");
    HttpResponse<Buffer> r = TestServer.await(server().client.post("/user/createUser")
        .sendJsonObject(new JsonObject().put("name", name).put("password", "p").put("Identity", "p")));
    assertG(r, 200, 0, "新增用户成功！");
    HttpResponse<Buffer> bad = TestServer.await(server().client.post("/user/createUser")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{not json")));
    assertG(bad, 400, -1, GinchatText.BODY_NOT_JSON);
  }

  @Test
  void loginErrors() {
    String name = unique("carol");
    server().newUser(name);
    // One answer for both, so that login does not reveal which names exist (LoginFloodTest checks the timing).
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", unique("nobody"), "password", "x")), 401, -1, "用户名或密码不正确");
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "wrong")), 401, -1, "用户名或密码不正确");
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", name)), 400, -1, "用户名或密码不能为空！");
  }

  @Test
  void oversizedBodyIsRefusedInTheRouteShape() {
    HttpResponse<Buffer> r = server().post("/user/createUser", Map.of("name", "big", "password", "x".repeat(100_000), "Identity", "x"));
    assertG(r, 413, -1, GinchatText.BODY_TOO_LARGE);
    HttpResponse<Buffer> h = server().post("/contact/addfriend", Map.of("targetName", "x".repeat(100_000)));
    assertH(h, 413, -1, GinchatText.BODY_TOO_LARGE);
  }

  // ---- tokens ----

  @Test
  void routesNeedAValidTokenFromHeaderOrCookieNeverFromTheUrl() {
    JsonObject u = server().newUser(unique("dave"));
    String token = u.getString("Identity");
    assertG(server().post("/user/getUserList", Map.of()), 401, -1, "请先登录");
    assertG(server().post("/user/getUserList", Map.of(), TestServer.forgedSignature(token)), 401, -1,
        "请先登录");
    assertG(server().post("/user/getUserList", Map.of(), expiredToken(u.getLong("ID"))), 401, -1,
        "请先登录");
    assertG(server().post("/user/getUserList", Map.of(), forgedToken(u.getLong("ID"))), 401, -1,
        "请先登录");

    assertG(server().post("/user/getUserList", Map.of(), token), 200, 0, "ok");
    // A token in the query or the form is no session: a link or an <img src> could carry one.
    assertG(server().post("/user/getUserList", Map.of("token", token)), 401, -1,
        "请先登录");
    assertG(TestServer.await(server().client.post("/user/getUserList?token=" + token).send()), 401, -1,
        "请先登录");
    HttpResponse<Buffer> viaCookie = TestServer.await(server().client.post("/user/getUserList")
        .putHeader("Origin", "http://127.0.0.1:" + server().port)
        .putHeader("Cookie", "michat_token=" + token).send());
    assertG(viaCookie, 200, 0, "ok");
  }

  @Test
  void userListShowsNoSecretsOrOtherUsersTokens() {
    JsonObject a = server().newUser(unique("erin"));
    JsonObject b = server().newUser(unique("frank"));
    server().post("/user/updateUser", Map.of("phone", "13800138000", "email", "erin@example.com"), a.getString("Identity"));
    HttpResponse<Buffer> r = server().post("/user/getUserList", Map.of(), b.getString("Identity"));
    assertG(r, 200, 0, "ok");
    String body = r.bodyAsString();
    assertFalse(body.contains(a.getString("Identity")));
    assertFalse(body.contains(b.getString("Identity")));
    assertFalse(body.contains("pbkdf2"));
    assertFalse(body.contains("13800138000"), "another user's phone is private");
    JsonArray users = r.bodyAsJsonObject().getJsonArray("data");
    assertTrue(users.stream().map(o -> ((JsonObject) o).getString("Name")).anyMatch(a.getString("Name")::equals));
  }

  // ---- update / delete / find ----

  @Test
  void updateValidatesLikeTheSeedAndOnlyForOneself() {
    JsonObject u = server().newUser(unique("gina"));
    JsonObject other = server().newUser(unique("hank"));
    String token = u.getString("Identity");
    assertG(server().post("/user/updateUser", Map.of("phone", "12345"), token), 400, -1, "修改参数不匹配！");
    assertG(server().post("/user/updateUser", Map.of("email", "not-an-email"), token), 400, -1, "修改参数不匹配！");
    HttpResponse<Buffer> script = server().post("/user/updateUser", Map.of("icon", "javascript:alert(1)"), token);
    assertEquals(400, TestServer.status(script));
    assertTrue(script.bodyAsJsonObject().getString("message").equals("头像必须是本站的图片或允许的图片网址"), script.bodyAsString());
    assertG(server().post("/user/updateUser", Map.of("id", other.getLong("ID").toString(), "phone", "13900139000"), token),
        403, -1, GinchatText.NOT_YOURSELF);
    assertG(server().post("/user/updateUser", Map.of("name", other.getString("Name")), token), 409, -1, "用户名已注册！");
    assertG(server().post("/user/updateUser", Map.of("id", "abc"), token), 400, -1, "参数 id 必须是正整数（收到 'abc'）");

    HttpResponse<Buffer> ok = server().post("/user/updateUser", Map.of("id", u.getLong("ID").toString(),
        "phone", "13900139000", "email", "gina@example.com", "icon", "./asset/upload/a.png"), token);
    assertG(ok, 200, 0, "修改用户成功！");
    JsonObject data = ok.bodyAsJsonObject().getJsonObject("data");
    assertEquals("13900139000", data.getString("Phone"));
    assertEquals("gina@example.com", data.getString("Email"));
    assertEquals("./asset/upload/a.png", data.getString("Avatar"));
    assertEquals(u.getString("Name"), data.getString("Name"), "empty fields leave the value unchanged");
    assertEquals("", server().queryString("SELECT phone FROM users WHERE id = ?", other.getLong("ID")));
  }

  @Test
  void changingThePasswordRehashesIt() {
    String name = unique("ivy");
    JsonObject u = server().newUser(name);
    String before = server().queryString("SELECT password_hash FROM users WHERE name = ?", name);
    assertG(server().post("/user/updateUser", Map.of("password", "brand-new", "currentPassword", "pw-" + name),
        u.getString("Identity")), 200, 0, "修改用户成功！");
    String after = server().queryString("SELECT password_hash FROM users WHERE name = ?", name);
    assertTrue(after.startsWith("pbkdf2_sha256$") && !after.equals(before) && !after.contains("brand-new"), after);
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "pw-" + name)), 401, -1, "用户名或密码不正确");
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", name, "password", "brand-new")), 200, 0, "登录成功");
  }

  @Test
  void deleteOnlyYourselfAndItTakesYourFriendshipsAlong() {
    JsonObject u = server().newUser(unique("jack"));
    JsonObject friend = server().newUser(unique("kate"));
    server().post("/contact/addfriend", Map.of("targetName", friend.getString("Name")), u.getString("Identity"));
    assertG(server().post("/user/deleteUser", Map.of("id", friend.getLong("ID").toString()), u.getString("Identity")),
        403, -1, GinchatText.NOT_YOURSELF);
    assertG(server().post("/user/deleteUser", Map.of(), u.getString("Identity")), 200, 0, "删除用户成功！");
    assertG(server().post("/user/findUserByNameAndPwd", Map.of("name", u.getString("Name"), "password", "pw-" + u.getString("Name"))),
        401, -1, "用户名或密码不正确");
    HttpResponse<Buffer> friends = server().post("/searchFriends", Map.of(), friend.getString("Identity"));
    assertEquals(0, friends.bodyAsJsonObject().getInteger("Total"));
    assertEquals(0, server().count("SELECT COUNT(*) FROM contacts c JOIN users u ON u.id = ? WHERE c.owner_id = u.id OR c.target_id = u.id", u.getLong("ID")));
  }

  @Test
  void findShowsPrivateFieldsOnlyToOneself() {
    JsonObject u = server().newUser(unique("liam"));
    JsonObject other = server().newUser(unique("mia"));
    server().post("/user/updateUser", Map.of("phone", "13700137000"), u.getString("Identity"));
    HttpResponse<Buffer> self = server().post("/user/find", Map.of("userId", u.getLong("ID").toString()), u.getString("Identity"));
    assertH(self, 200, 0, "ok");
    assertEquals("13700137000", self.bodyAsJsonObject().getJsonObject("Data").getString("Phone"));
    HttpResponse<Buffer> seen = server().post("/user/find", Map.of("userId", u.getLong("ID").toString()), other.getString("Identity"));
    assertH(seen, 200, 0, "ok");
    assertEquals(u.getString("Name"), seen.bodyAsJsonObject().getJsonObject("Data").getString("Name"));
    assertEquals("", seen.bodyAsJsonObject().getJsonObject("Data").getString("Phone"));
    assertH(server().post("/user/find", Map.of("userId", "999999999"), u.getString("Identity")), 404, -1, "该用户不存在");
    assertH(server().post("/user/find", Map.of(), u.getString("Identity")), 400, -1, "缺少参数 userId");
    assertH(server().post("/user/find", Map.of("userId", "1")), 401, -1, null);
  }

  // ---- friends ----

  @Test
  void addFriendFollowsTheSeedAndWorksBothWays() {
    JsonObject a = server().newUser(unique("nina"));
    JsonObject b = server().newUser(unique("omar"));
    String token = a.getString("Identity");
    assertH(server().post("/contact/addfriend", Map.of("targetName", ""), token), 400, -1, "好友ID不能为空");
    assertH(server().post("/contact/addfriend", Map.of("targetName", unique("ghost")), token), 404, -1, "没有找到此用户");
    assertH(server().post("/contact/addfriend", Map.of("targetName", a.getString("Name")), token), 400, -1, "不能加自己");
    assertH(server().post("/contact/addfriend", Map.of("userId", b.getLong("ID").toString(), "targetName", a.getString("Name")), token),
        403, -1, GinchatText.NOT_YOURSELF);
    assertH(server().post("/contact/addfriend", Map.of("userId", a.getLong("ID").toString(), "targetName", b.getString("Name")), token),
        200, 0, "添加好友成功");
    assertH(server().post("/contact/addfriend", Map.of("targetName", b.getString("Name")), token), 409, -1, "不能重复添加");
    assertH(server().post("/contact/addfriend", Map.of("targetName", a.getString("Name")), b.getString("Identity")), 409, -1, "不能重复添加");

    HttpResponse<Buffer> mine = server().post("/searchFriends", Map.of("userId", a.getLong("ID").toString()), token);
    assertH(mine, 200, 0, "");
    assertEquals(1, mine.bodyAsJsonObject().getInteger("Total"));
    assertEquals(b.getString("Name"), mine.bodyAsJsonObject().getJsonArray("Rows").getJsonObject(0).getString("Name"));
    HttpResponse<Buffer> theirs = server().post("/searchFriends", Map.of(), b.getString("Identity"));
    assertEquals(a.getLong("ID"), theirs.bodyAsJsonObject().getJsonArray("Rows").getJsonObject(0).getLong("ID"));
    assertH(server().post("/searchFriends", Map.of("userId", b.getLong("ID").toString()), token), 403, -1, null);
    assertH(server().post("/searchFriends", Map.of("userId", "abc"), token), 400, -1, "参数 userId 必须是正整数（收到 'abc'）");
  }

  // ---- groups ----

  @Test
  void groupsCreateLoadAndJoin() {
    JsonObject owner = server().newUser(unique("pia"));
    JsonObject joiner = server().newUser(unique("quin"));
    JsonObject third = server().newUser(unique("rosa"));
    String group = unique("group");

    assertH(server().post("/contact/createCommunity", Map.of("name", group)), 401, -1, "请先登录");
    assertH(server().post("/contact/createCommunity", Map.of("name", ""), owner.getString("Identity")), 400, -1, "群名称不能为空");
    HttpResponse<Buffer> loaded = server().post("/contact/loadcommunity", Map.of(), owner.getString("Identity"));
    assertH(loaded, 200, 0, "");
    assertEquals(0, loaded.bodyAsJsonObject().getJsonArray("Rows").size());
    assertEquals("查询成功", loaded.bodyAsJsonObject().getString("Total"));

    HttpResponse<Buffer> created = server().post("/contact/createCommunity",
        Map.of("ownerId", owner.getLong("ID").toString(), "name", group, "desc", "<b>hi</b>"), owner.getString("Identity"));
    assertH(created, 200, 0, "建群成功");
    long groupId = created.bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    assertEquals("<b>hi</b>", created.bodyAsJsonObject().getJsonObject("Data").getString("Desc"));
    assertH(server().post("/contact/createCommunity", Map.of("name", group), joiner.getString("Identity")), 409, -1,
        "群名称已存在");
    assertH(server().post("/contact/createCommunity", Map.of("ownerId", joiner.getLong("ID").toString(), "name", unique("g")),
        owner.getString("Identity")), 403, -1, null);

    loaded = server().post("/contact/loadcommunity", Map.of("ownerId", owner.getLong("ID").toString()), owner.getString("Identity"));
    assertEquals(group, loaded.bodyAsJsonObject().getJsonArray("Rows").getJsonObject(0).getString("Name"));

    assertH(server().post("/contact/joinGroup", Map.of("comId", String.valueOf(groupId)), joiner.getString("Identity")), 200, 0, "加群成功");
    assertH(server().post("/contact/joinGroup", Map.of("comId", String.valueOf(groupId)), joiner.getString("Identity")), 409, -1, "已加过此群");
    assertH(server().post("/contact/joinGroup", Map.of("comId", group), third.getString("Identity")), 200, 0, "加群成功");
    assertH(server().post("/contact/joinGroup", Map.of("comId", group), third.getString("Identity")), 409, -1, "已加过此群");
    assertH(server().post("/contact/joinGroup", Map.of("comId", unique("nogroup")), third.getString("Identity")), 404, -1, "没有找到群");
    assertH(server().post("/contact/joinGroup", Map.of("comId", "987654321"), third.getString("Identity")), 404, -1, "没有找到群");

    UserApi.GroupMembers members = TestServer.await(ServiceBus.of(server().app.vertx())
        .request(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(groupId)));
    assertEquals(List.of(owner.getLong("ID"), joiner.getLong("ID"), third.getLong("ID")), members.members());
  }

  // ---- upload ----

  @Test
  void uploadStoresUnderAGeneratedNameAndServesIt() {
    String token = server().newUser(unique("sam")).getString("Identity");
    HttpResponse<Buffer> r = upload(token, "../../../etc/evil.png", "image/png", PNG);
    assertH(r, 200, 0, "发送图片成功");
    String url = r.bodyAsJsonObject().getString("Data");
    assertTrue(url.matches("\\./asset/upload/\\d+-[0-9a-f]{16}\\.png"), url);
    HttpResponse<Buffer> served = server().get(url.substring(1));
    assertEquals(200, TestServer.status(served));
    assertEquals(Buffer.buffer(PNG), served.body());
    assertEquals("nosniff", served.getHeader("X-Content-Type-Options"));

    assertH(upload(token, "page.html", "text/html", "<script>alert(1)</script>".getBytes()), 400, -1, null);
    assertH(upload(token, "big.png", "image/png", new byte[300_000]), 413, -1, null);
    assertH(upload(null, "a.png", "image/png", PNG), 401, -1, null);
    assertEquals(404, TestServer.status(server().get("/asset/upload/..%2F..%2Fmichat.mv.db")));
  }

  /** How the original front end sends a voice message: a file named blob, the recording's type, filetype .mp3. */
  @Test
  void voiceRecordingsAreKeptAsWhatTheyAreWhateverTheirNameSays() {
    String token = server().newUser(unique("voice")).getString("Identity");
    byte[] webm = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x86, (byte) 0x81, 1, 0x42, (byte) 0xF7};
    byte[] ogg = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2};
    byte[] mp4 = {0, 0, 0, 0x1C, 'f', 't', 'y', 'p', 'M', '4', 'A', ' ', 0, 0, 0, 0};
    byte[] mp3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFB};
    for (Map.Entry<String, byte[]> sent : Map.of("audio/webm;codecs=opus", webm, "audio/ogg", ogg, "audio/mp4", mp4,
        "audio/mpeg", mp3).entrySet()) {
      HttpResponse<Buffer> r = upload(token, "blob", sent.getKey(), sent.getValue());
      assertH(r, 200, 0, "发送图片成功");
      String expected = switch (sent.getKey()) {
        case "audio/ogg" -> "ogg";
        case "audio/mp4" -> "m4a";
        case "audio/mpeg" -> "mp3";
        default -> "webm";
      };
      String url = r.bodyAsJsonObject().getString("Data");
      assertTrue(url.matches("\\./asset/upload/\\d+-[0-9a-f]{16}\\." + expected), url);
      assertEquals(Buffer.buffer(sent.getValue()), server().get(url.substring(1)).body());
    }
    // The name and the declared type prove nothing either way: content decides.
    HttpResponse<Buffer> png = upload(token, "voice.mp3", "audio/mpeg", PNG);
    assertTrue(png.bodyAsJsonObject().getString("Data").endsWith(".png"), png.bodyAsString());
    assertH(upload(token, "blob", "audio/webm", "<svg onload=alert(1)>".getBytes()), 400, -1, null);
    assertH(upload(token, "a.png", "image/png", "just text, not an image".getBytes()), 400, -1, null);
  }

  private HttpResponse<Buffer> upload(String token, String fileName, String type, byte[] content) {
    MultipartForm form = MultipartForm.create().attribute("filetype", ".png")
        .binaryFileUpload("file", fileName, Buffer.buffer(content), type);
    var req = server().client.post("/attach/upload");
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return TestServer.await(req.sendMultipartForm(form));
  }

  // ---- pages and health ----

  @Test
  void pagesRenderAndChatNeedsASession() {
    HttpResponse<Buffer> index = server().get("/");
    assertEquals(200, TestServer.status(index));
    assertTrue(index.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(index.bodyAsString().contains("findUserByNameAndPwd") || index.bodyAsString().contains("name=\"password\""));
    assertEquals(200, TestServer.status(server().get("/index")));
    assertTrue(server().get("/toRegister").bodyAsString().contains("Identity"));
    assertEquals(200, TestServer.status(server().get("/favicon.ico")));
    assertEquals(200, TestServer.status(server().get("/asset/css/michat.css")));

    HttpResponse<Buffer> anonymous = server().get("/toChat");
    assertEquals(302, TestServer.status(anonymous));
    assertEquals("/index", anonymous.getHeader("Location"));

    JsonObject u = server().newUser(unique("<tara>"));
    HttpResponse<Buffer> chat = TestServer.await(server().client.get("/toChat")
        .putHeader("Cookie", "michat_token=" + u.getString("Identity")).send());
    assertEquals(200, TestServer.status(chat));
    assertTrue(chat.bodyAsString().contains("&lt;tara&gt;"), "names are escaped in pages");
    assertFalse(chat.bodyAsString().contains("<tara>"));
  }

  @Test
  void healthAndReady() {
    HttpResponse<Buffer> health = server().get("/health");
    assertEquals(200, TestServer.status(health));
    assertEquals("UP", health.bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> ready = server().get("/ready");
    assertEquals(200, TestServer.status(ready), ready.bodyAsString());
    assertEquals("UP", ready.bodyAsJsonObject().getJsonObject("checks").getString("storage"));
  }

  // ---- helpers ----

  private String expiredToken(long userId) {
    JWTAuth jwt = jwtWith(server().app.config().string(ConfigKeys.TOKEN_SECRET));
    long now = System.currentTimeMillis() / 1000;
    return jwt.generateToken(new JsonObject().put("sub", Long.toString(userId)).put("iat", now - 7200).put("exp", now - 3600),
        new JWTOptions().setAlgorithm("HS256"));
  }

  private String forgedToken(long userId) {
    return jwtWith("another-secret-0123456789-0123456789-xyz").generateToken(
        new JsonObject().put("sub", Long.toString(userId)), new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600));
  }

  private JWTAuth jwtWith(String secret) {
    return JWTAuth.create(server().app.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }

}
