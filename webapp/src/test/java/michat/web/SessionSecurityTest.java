package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions tried as an attacker would (docs/security.md): a URL that plants a session, pages of other
 * sites using the victim's cookie, sessions that outlive a logout, a password change or the account,
 * a password changed without the current one, media URLs that reach other routes or other sites.
 */
class SessionSecurityTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String EVIL = "https://evil.example";
  private static TestServer server;
  private static String own;

  @BeforeAll
  static void start() {
    server = TestServer.embedded();
    own = "http://127.0.0.1:" + server.port;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject newUser() {
    return server.newUser("sec" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 100_000);
  }

  private static String token(JsonObject u) {
    return u.getString("Identity");
  }

  /** A form POST as a browser sends it: with the session cookie and the page's Origin (or none). */
  private static HttpResponse<Buffer> cookiePost(String path, Map<String, String> form, String token, String origin) {
    HttpRequest<Buffer> req = server.client.post(path).putHeader("Cookie", "michat_token=" + token);
    if (origin != null) {
      req.putHeader("Origin", origin);
    }
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    form.forEach(body::add);
    return TestServer.await(req.sendForm(body));
  }

  private static boolean setsCookie(HttpResponse<Buffer> r) {
    return r.cookies().stream().anyMatch(c -> c.startsWith("michat_token="));
  }

  // ---- 1. a URL never sets the session ----

  @Test
  void theChatPageNeverTakesItsSessionFromTheUrl() {
    JsonObject victim = newUser();
    JsonObject attacker = newUser();
    // The victim's browser loads /toChat?token=<attacker's> (a link, or an <img> an attacker planted).
    HttpResponse<Buffer> page = TestServer.await(server.client.get("/toChat?token=" + token(attacker))
        .putHeader("Cookie", "michat_token=" + token(victim)).send());
    assertEquals(200, TestServer.status(page));
    assertFalse(setsCookie(page), "no Set-Cookie from a URL: " + page.cookies());
    assertTrue(page.bodyAsString().contains(victim.getString("Name")), "still the victim's own page");
    assertFalse(page.bodyAsString().contains(attacker.getString("Name")));
    // Without a cookie a token in the URL is no session at all.
    HttpResponse<Buffer> anonymous = server.get("/toChat?userId=" + attacker.getLong("ID") + "&token=" + token(attacker));
    assertEquals(302, TestServer.status(anonymous));
    assertFalse(setsCookie(anonymous));
  }

  @Test
  void mediaUrlsThatReachOtherRoutesOrSitesAreRefused() throws Exception {
    JsonObject a = newUser();
    JsonObject b = newUser();
    assertEquals(200, TestServer.status(server.post("/contact/addfriend", Map.of("targetName", b.getString("Name")), token(a))));
    String swap = "/asset/../toChat?token=" + token(a);
    for (String bad : new String[] {swap, "./asset/../toChat", "asset/%2e%2e/toChat", "/asset/upload/x.png?token=1",
        "/asset\\..\\toChat", "/user/find", "http://tracker.example/t.png?victim=1", "https://tracker.example/t.png",
        "javascript:alert(1)", "data:image/png;base64,AAAA", "//tracker.example/t.png", "/asset/upload/", "/asset/./x.png"}) {
      HttpResponse<Buffer> avatar = server.post("/user/updateUser", Map.of("icon", bad), token(a));
      assertEquals(400, TestServer.status(avatar), bad + ": " + avatar.bodyAsString());
      assertEquals("头像必须是本站的图片或允许的图片网址", avatar.bodyAsJsonObject().getString("message"), bad);
      HttpResponse<Buffer> group = server.post("/contact/createCommunity",
          Map.of("name", "g" + SEQ.incrementAndGet(), "icon", bad), token(a));
      assertEquals(400, TestServer.status(group), bad + ": " + group.bodyAsString());
    }
    assertEquals("", server.queryString("SELECT avatar FROM users WHERE id = ?", a.getLong("ID")));

    try (ChatClient ca = ChatClient.open(server, token(a)); ChatClient cb = ChatClient.open(server, token(b))) {
      ca.send(new JsonObject().put("TargetId", b.getLong("ID")).put("Type", 1).put("Media", 4).put("url", swap));
      JsonObject error = ca.nextError("bad_url");
      assertTrue(error.getString("Msg", error.encode()).contains("/asset/") || error.encode().contains("/asset/"), error.encode());
      // What michat and the original front end send is accepted: uploads, own stickers, the client's sticker packs.
      for (String good : new String[] {"./asset/upload/1700000000000-0a1b2c3d4e5f6a7b.png", "/asset/stickers/smile.svg",
          "asset/plugins/doutu/pack1/3.gif"}) {
        ca.send(new JsonObject().put("TargetId", b.getLong("ID")).put("Type", 1).put("Media", 2).put("url", good));
        assertEquals(good, new JsonObject(cb.next()).getString("url"));
      }
      cb.expectNothing(200);
    }
    for (String good : new String[] {"./asset/upload/1700000000000-0a1b2c3d4e5f6a7b.png", "asset/plugins/doutu/p/1.gif"}) {
      assertEquals(200, TestServer.status(server.post("/user/updateUser", Map.of("icon", good), token(a))), good);
    }
  }

  @Test
  void pagesAllowPicturesFromThisServerOnly() {
    String csp = server.get("/").getHeader("Content-Security-Policy");
    assertTrue(csp.contains("img-src 'self' blob:;"), csp);
    assertTrue(csp.contains("media-src 'self' blob:;"), csp);
    assertFalse(csp.contains("http:"), csp);
    assertFalse(csp.contains("https:"), csp);
  }

  @Test
  void anOperatorMayAllowHttpsHosts() {
    try (TestServer cdn = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_MEDIA_EXTERNAL_URLS", "cdn.example.com"))) {
      String csp = cdn.get("/").getHeader("Content-Security-Policy");
      assertTrue(csp.contains("img-src 'self' blob: https://cdn.example.com;"), csp);
      JsonObject u = cdn.newUser("cdn-user");
      assertEquals(200, TestServer.status(cdn.post("/user/updateUser", Map.of("icon", "https://cdn.example.com/a/b.png"), token(u))));
      assertEquals(400, TestServer.status(cdn.post("/user/updateUser", Map.of("icon", "https://other.example.com/a.png"), token(u))));
      assertEquals(400, TestServer.status(cdn.post("/user/updateUser", Map.of("icon", "http://cdn.example.com/a.png"), token(u))));
    }
  }

  // ---- 2. other sites' pages cannot use the cookie ----

  @Test
  void crossSiteRequestsWithTheCookieAreRefused() {
    JsonObject u = newUser();
    assertEquals(200, TestServer.status(cookiePost("/user/updateUser", Map.of("phone", "13800138000"), token(u), own)));
    HttpResponse<Buffer> forged = cookiePost("/user/updateUser", Map.of("phone", "13900139000"), token(u), EVIL);
    assertEquals(403, TestServer.status(forged), forged.bodyAsString());
    assertEquals(-1, forged.bodyAsJsonObject().getInteger("code"), "in the route's shape: " + forged.bodyAsString());
    assertEquals(403, TestServer.status(cookiePost("/user/updateUser", Map.of("phone", "13900139000"), token(u), "null")));
    assertEquals(403, TestServer.status(cookiePost("/user/updateUser", Map.of("phone", "13900139000"), token(u), null)),
        "a cookie without Origin or Referer is not taken");
    HttpResponse<Buffer> viaReferer = TestServer.await(server.client.post("/user/updateUser")
        .putHeader("Cookie", "michat_token=" + token(u)).putHeader("Referer", own + "/toChat")
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("email", "u@example.com")));
    assertEquals(200, TestServer.status(viaReferer), viaReferer.bodyAsString());
    assertEquals("13800138000", server.queryString("SELECT phone FROM users WHERE id = ?", u.getLong("ID")));
    // Uploads too, before a byte of the body is read.
    assertEquals(403, TestServer.status(cookiePost("/attach/upload", Map.of(), token(u), EVIL)));
    // A Bearer token cannot be added by another site's page: not concerned.
    HttpResponse<Buffer> bearer = TestServer.await(server.client.post("/user/getUserList").bearerTokenAuthentication(token(u))
        .putHeader("Origin", EVIL).send());
    assertEquals(200, TestServer.status(bearer));
  }

  @Test
  void anotherSiteCannotSignTheBrowserInToItsAccount() {
    JsonObject attacker = newUser();
    HttpResponse<Buffer> forged = TestServer.await(server.client.post("/user/findUserByNameAndPwd").putHeader("Origin", EVIL)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("name", attacker.getString("Name"))
            .add("password", "pw-" + attacker.getString("Name"))));
    assertEquals(403, TestServer.status(forged), forged.bodyAsString());
    assertFalse(setsCookie(forged));
    HttpResponse<Buffer> ownPage = TestServer.await(server.client.post("/user/findUserByNameAndPwd").putHeader("Origin", own)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("name", attacker.getString("Name"))
            .add("password", "pw-" + attacker.getString("Name"))));
    assertEquals(200, TestServer.status(ownPage));
    assertTrue(setsCookie(ownPage));
    assertEquals(403, TestServer.status(TestServer.await(server.client.post("/user/createUser").putHeader("Origin", EVIL)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("name", "planted").add("password", "p").add("Identity", "p")))));
  }

  @Test
  void aChatSocketOpenedByAnotherSiteWithTheCookieIsRefused() {
    JsonObject u = newUser();
    WebSocketConnectOptions foreign = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port).setURI("/chat")
        .addHeader("Cookie", "michat_token=" + token(u)).addHeader("Origin", EVIL);
    Throwable refused = TestServer.await(server.app.vertx().createWebSocketClient().connect(foreign)
        .map(ws -> (Throwable) null).otherwise(err -> err));
    assertTrue(refused != null && refused.getMessage().contains("403"), String.valueOf(refused));
    WebSocketConnectOptions ownPage = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port).setURI("/chat")
        .addHeader("Cookie", "michat_token=" + token(u)).addHeader("Origin", own);
    var ws = TestServer.await(server.app.vertx().createWebSocketClient().connect(ownPage));
    TestServer.await(ws.close());
  }

  // ---- two users in two tabs of one browser ----

  /** A form POST as a browser sends it, with all of its cookies. */
  private static HttpResponse<Buffer> browserPost(String path, Map<String, String> form, String cookies, String origin) {
    HttpRequest<Buffer> req = server.client.post(path).putHeader("Cookie", cookies).putHeader("Origin", origin);
    MultiMap body = MultiMap.caseInsensitiveMultiMap();
    form.forEach(body::add);
    return TestServer.await(req.sendForm(body));
  }

  @Test
  void twoUsersInTwoTabsOfOneBrowserEachKeepTheirSession() {
    JsonObject a = newUser();
    JsonObject b = newUser();
    String aId = a.getLong("ID").toString();
    String bId = b.getLong("ID").toString();
    HttpResponse<Buffer> login = login(b.getString("Name"), "pw-" + b.getString("Name"));
    assertTrue(login.cookies().stream().anyMatch(c -> c.startsWith("michat_token_" + bId + "=")),
        "a login also sets that user's own cookie: " + login.cookies());
    // The browser after A, then B signed in: the latest login's cookie is B's; each has their own.
    String jar = "michat_token=" + token(b) + "; michat_token_" + aId + "=" + token(a) + "; michat_token_" + bId + "="
        + token(b);
    // The ginchat client names the user of its tab in every call: A's tab is A's, B's is B's.
    HttpResponse<Buffer> inA = browserPost("/searchFriends", Map.of("userId", aId), jar, own);
    assertEquals(200, TestServer.status(inA), inA.bodyAsString());
    assertEquals(200, TestServer.status(browserPost("/contact/loadcommunity", Map.of("ownerId", aId), jar, own)));
    assertEquals(200, TestServer.status(browserPost("/searchFriends", Map.of("userId", bId), jar, own)));
    // A user this browser holds no session of: the latest login answers, and is not that user.
    assertEquals(403, TestServer.status(browserPost("/searchFriends", Map.of("userId", "987654321"), jar, own)));
    // Another site's page gets nowhere with either cookie.
    assertEquals(403, TestServer.status(browserPost("/contact/addfriend", Map.of("userId", aId, "targetName", b.getString("Name")),
        "michat_token_" + aId + "=" + token(a), EVIL)));
    // A's tab logs out: A's session and cookie end, B's go on.
    HttpResponse<Buffer> out = browserPost("/user/logout", Map.of("id", aId), jar, own);
    assertEquals(200, TestServer.status(out), out.bodyAsString());
    assertTrue(out.cookies().stream().anyMatch(c -> c.startsWith("michat_token_" + aId + "=;")), out.cookies().toString());
    assertTrue(out.cookies().stream().noneMatch(c -> c.startsWith("michat_token=")), "B's latest-login cookie stays");
    assertEquals(401, TestServer.status(browserPost("/searchFriends", Map.of("userId", aId), jar, own)));
    assertEquals(200, TestServer.status(browserPost("/searchFriends", Map.of("userId", bId), jar, own)));
  }

  // ---- 3. sessions can be ended ----

  @Test
  void logoutEndsThatSessionOnly() throws Exception {
    JsonObject u = newUser();
    String phone = token(u);
    String laptop = token(loginAgain(u));
    try (ChatClient onPhone = ChatClient.open(server, phone); ChatClient onLaptop = ChatClient.open(server, laptop)) {
      HttpResponse<Buffer> out = server.post("/user/logout", Map.of(), phone);
      assertEquals(200, TestServer.status(out), out.bodyAsString());
      assertEquals(401, TestServer.status(server.post("/user/getUserList", Map.of(), phone)));
      assertTrue(onPhone.awaitClosed(5_000), "the logged-out session's socket closes");
      assertEquals(Short.valueOf((short) 4003), onPhone.closeCode);
      assertEquals(200, TestServer.status(server.post("/user/getUserList", Map.of(), laptop)), "the other session goes on");
      assertEquals(null, onLaptop.closeCode);
      Throwable again = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, "/chat?token=" + phone)
          .map(c -> (Throwable) null).otherwise(err -> err));
      assertTrue(again != null && again.getMessage().contains("401"), String.valueOf(again));
    }
  }

  @Test
  void aChatConnectionEndsWhenTheTokenItWasOpenedWithExpires() throws Exception {
    JsonObject u = newUser();
    // A token like a login's, expiring in two seconds (the shortest configurable lifetime is an hour).
    JWTAuth jwt = JWTAuth.create(server.app.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
            .setBuffer(server.app.config().string(michat.config.ConfigKeys.TOKEN_SECRET))));
    String shortLived = jwt.generateToken(new JsonObject().put("sub", u.getLong("ID").toString()).put("sid", "short")
        .put("gen", 0), new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(2));
    try (ChatClient chat = ChatClient.open(server, shortLived)) {
      chat.send(new JsonObject().put("Type", 3).put("Cmd", "heartbeat"));
      assertEquals(null, chat.closeCode, "open while the token is valid");
      Thread.sleep(3_100);
      if (chat.closeCode == null) {   // else the gateway's sweep closed it already
        try {
          chat.send(new JsonObject().put("TargetId", u.getLong("ID")).put("Type", 1).put("Media", 1).put("Content", "late"));
        } catch (IllegalStateException closedMeanwhile) {
          // the sweep got there first
        }
      }
      assertTrue(chat.awaitClosed(5_000), "the connection does not outlive its token");
      assertEquals(Short.valueOf((short) 4003), chat.closeCode);
    }
  }

  @Test
  void aPasswordChangeNeedsTheCurrentPasswordAndEndsEveryOtherSession() throws Exception {
    JsonObject u = newUser();
    String name = u.getString("Name");
    String first = token(u);
    String second = token(loginAgain(u));
    HttpResponse<Buffer> without = server.post("/user/updateUser", Map.of("password", "new-pw"), first);
    assertEquals(400, TestServer.status(without), without.bodyAsString());
    assertEquals("修改密码需要提供当前密码", without.bodyAsJsonObject().getString("message"));
    HttpResponse<Buffer> wrong = server.post("/user/updateUser", Map.of("password", "new-pw", "currentPassword", "guess"), first);
    assertEquals(403, TestServer.status(wrong), wrong.bodyAsString());
    assertEquals("当前密码不正确", wrong.bodyAsJsonObject().getString("message"));
    assertEquals(200, TestServer.status(login(name, "pw-" + name)), "the password did not change");

    try (ChatClient open = ChatClient.open(server, second)) {
      HttpResponse<Buffer> changed = server.post("/user/updateUser",
          Map.of("password", "new-pw", "currentPassword", "pw-" + name), first);
      assertEquals(200, TestServer.status(changed), changed.bodyAsString());
      String renewed = changed.bodyAsJsonObject().getJsonObject("data").getString("Identity");
      assertTrue(setsCookie(changed), "the caller's browser goes on with the new session");
      assertEquals(401, TestServer.status(server.post("/user/getUserList", Map.of(), first)));
      assertEquals(401, TestServer.status(server.post("/user/getUserList", Map.of(), second)));
      assertEquals(200, TestServer.status(server.post("/user/getUserList", Map.of(), renewed)));
      assertTrue(open.awaitClosed(5_000));
      assertEquals(Short.valueOf((short) 4003), open.closeCode);
    }
    assertEquals(200, TestServer.status(login(name, "new-pw")));
  }

  @Test
  void aDeletedUsersTokenIsRefusedEverywhere() throws Exception {
    JsonObject owner = newUser();
    HttpResponse<Buffer> g = server.post("/contact/createCommunity", Map.of("name", "g-del" + SEQ.incrementAndGet()), token(owner));
    long groupId = g.bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    JsonObject u = newUser();
    String kept = token(loginAgain(u));
    try (ChatClient open = ChatClient.open(server, kept)) {
      assertEquals(200, TestServer.status(server.post("/user/deleteUser", Map.of(), token(u))));
      assertTrue(open.awaitClosed(5_000));
      assertEquals(Short.valueOf((short) 4003), open.closeCode);
    }
    assertEquals(401, TestServer.status(server.post("/contact/joinGroup", Map.of("comId", Long.toString(groupId)), kept)));
    assertEquals(401, TestServer.status(server.post("/user/redisGroupMsg", Map.of("groupId", Long.toString(groupId), "start", "0",
        "end", "9"), kept)));
    Throwable chat = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, "/chat?token=" + kept)
        .map(c -> (Throwable) null).otherwise(err -> err));
    assertTrue(chat != null && chat.getMessage().contains("401"), String.valueOf(chat));
  }

  private static HttpResponse<Buffer> login(String name, String password) {
    return server.post("/user/findUserByNameAndPwd", Map.of("name", name, "password", password));
  }

  private static JsonObject loginAgain(JsonObject u) {
    String name = u.getString("Name");
    return login(name, "pw-" + name).bodyAsJsonObject().getJsonObject("data");
  }
}
