package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import michat.auth.TokenSecret;
import michat.contract.Caller;
import michat.contract.RouterApi;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.model.Failures;
import michat.model.MessagePayload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Services check who is calling (issue 18, item 2): a peer that reached the event bus — here this
 * test, sending on the server's own bus, as a member that passed the cluster's mutual TLS would —
 * cannot act for a user whose session token it does not hold. Before, {@code michat.user.update
 * {id, password}} changed any user's password and {@code michat.router.inbound} stored a message as
 * any sender. The HTTP and chat paths that carry real tokens are the rest of the suite.
 */
class EventBusCallerTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestServer server;
  private static ServiceBus bus;

  @BeforeAll
  static void start() {
    server = TestServer.embedded();
    bus = ServiceBus.of(server.app.vertx());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record User(long id, String name, String token) {
    Caller caller() {
      return new Caller(id, token);
    }
  }

  private static User newUser() {
    String name = "bus" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    JsonObject u = server.newUser(name);
    return new User(u.getLong("ID"), name, u.getString("Identity"));
  }

  /** The failure code of a request, or 200 when it succeeded. */
  private static int code(Future<?> request) {
    try {
      request.await(30, TimeUnit.SECONDS);
      return 200;
    } catch (Exception e) {
      return Failures.codeOf(e);
    }
  }

  private static boolean canLogIn(User u, String password) {
    return TestServer.status(server.post("/user/findUserByNameAndPwd", Map.of("name", u.name, "password", password))) == 200;
  }

  /** A well-formed token of {@code userId} signed with a key that is not the server's. */
  private static String signedElsewhere(long userId) {
    JWTAuth other = JWTAuth.create(server.app.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TokenSecret.generate())));
    return other.generateToken(new JsonObject().put("sub", Long.toString(userId)).put("sid", "forged").put("gen", 0),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(3600));
  }

  private static UserApi.UpdateUser passwordChange(Caller caller) {
    return new UserApi.UpdateUser(caller, "", "taken-over", "pw-whatever", "", "", "", "127.0.0.1");
  }

  @Test
  void nobodyChangesAUsersAccountWithoutThatUsersToken() {
    User victim = newUser();
    User attacker = newUser();
    // Another user's valid token, a forged one, none: refused before anything is read or changed.
    assertEquals(401, code(bus.request(UserApi.UPDATE, passwordChange(new Caller(victim.id, attacker.token)))));
    assertEquals(401, code(bus.request(UserApi.UPDATE, passwordChange(new Caller(victim.id, signedElsewhere(victim.id))))));
    assertEquals(401, code(bus.request(UserApi.UPDATE, passwordChange(new Caller(victim.id, "not a token")))));
    assertEquals(401, code(bus.request(UserApi.UPDATE, passwordChange(null))));
    assertEquals(401, code(bus.request(UserApi.DELETE, new UserApi.DeleteUser(new Caller(victim.id, attacker.token)))));
    assertEquals(401, code(bus.request(UserApi.LOGOUT, new UserApi.Logout(new Caller(victim.id, attacker.token)))));
    assertEquals(401, code(bus.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(new Caller(victim.id, attacker.token),
        attacker.name))));
    // Today's attack verbatim: the JSON body the bus used to take.
    assertEquals(400, code(server.app.vertx().eventBus().request(UserApi.UPDATE.address(),
        new JsonObject().put("id", victim.id).put("password", "taken-over"), new DeliveryOptions().setSendTimeout(10_000))));
    assertTrue(canLogIn(victim, "pw-" + victim.name), "the victim's password is unchanged");
    assertTrue(!canLogIn(victim, "taken-over"));
    assertEquals(200, code(bus.request(UserApi.FIND, new UserApi.FindUser(victim.caller(), victim.id))), "the victim still exists");
    assertEquals(List.of(), TestServer.await(bus.request(UserApi.FRIENDS, new UserApi.ListFriends(victim.caller()))).users(),
        "and was befriended by nobody");
    // With the victim's own token the same request is served: the checks above refuse the caller, not the request.
    assertEquals(200, code(bus.request(UserApi.UPDATE,
        new UserApi.UpdateUser(victim.caller(), "", "", "", "", "", "", "127.0.0.1"))));
  }

  @Test
  void nobodySendsReadsOrSkipsMessagesAsAnotherUser() {
    User victim = newUser();
    User recipient = newUser();
    User attacker = newUser();
    JsonObject frame = new JsonObject().put("TargetId", recipient.id).put("Type", 1).put("Media", 1)
        .put("Content", "forged");
    Caller forged = new Caller(victim.id, attacker.token);
    assertEquals(401, code(bus.request(RouterApi.INBOUND, new RouterApi.Inbound(forged, "rogue",
        message(recipient.id, "forged", MessagePayload.of(frame, victim.id))))));
    String conversation = "p:" + Math.min(victim.id, recipient.id) + ":" + Math.max(victim.id, recipient.id);
    assertEquals(401, code(bus.request(RouterApi.SIGNAL,
        new RouterApi.Signal(forged, RouterApi.SignalKind.typing, conversation, 0))));
    // The attacker's own token, but a payload that names the victim as its sender: recipients would
    // see the victim speak. Refused, nothing stored.
    RouterApi.Outcome spoofed = TestServer.await(bus.request(RouterApi.INBOUND, new RouterApi.Inbound(attacker.caller(),
        "rogue", message(recipient.id, "forged", MessagePayload.of(frame, victim.id)))));
    assertEquals("bad_field", spoofed.error(), spoofed.toString());
    RouterApi.Outcome notJson = TestServer.await(bus.request(RouterApi.INBOUND, new RouterApi.Inbound(attacker.caller(),
        "rogue", message(recipient.id, "forged", "[\"no sender\"]"))));
    assertEquals("bad_field", notJson.error(), notJson.toString());
    assertEquals(401, code(bus.request(RouterApi.HISTORY, new RouterApi.History(forged, conversation, 0, -1, false))));
    assertEquals(401, code(bus.request(RouterApi.CATCH_UP, new RouterApi.CatchUp(forged, Map.of()))));
    assertEquals(401, code(bus.request(RouterApi.FILL, new RouterApi.Fill(forged, conversation, 0L, 10))));
    // One forged entry in a batch of cursors refuses the batch: nobody's messages are marked delivered.
    assertEquals(401, code(bus.request(RouterApi.CURSORS, new RouterApi.SaveCursors(List.of(
        new RouterApi.UserCursors(recipient.caller(), Map.of(conversation, 0L)),
        new RouterApi.UserCursors(new Caller(recipient.id, attacker.token), Map.of(conversation, 99L)))))));
    // Today's attack verbatim.
    assertEquals(400, code(server.app.vertx().eventBus().request(RouterApi.INBOUND.address(),
        new JsonObject().put("senderId", victim.id).put("sessionId", "rogue").put("frame", frame),
        new DeliveryOptions().setSendTimeout(10_000))));

    RouterApi.Page history = TestServer.await(bus.request(RouterApi.HISTORY,
        new RouterApi.History(recipient.caller(), conversation, 0, -1, false)));
    assertEquals(List.of(), history.messages(), "nothing was stored");
    // The sender's own token is served, and what it stored is what the recipient reads.
    RouterApi.Outcome sent = TestServer.await(bus.request(RouterApi.INBOUND,
        new RouterApi.Inbound(victim.caller(), "own",
            message(recipient.id, "real", MessagePayload.of(frame.copy().put("Content", "real"), victim.id)))));
    assertTrue(sent.ok(), sent.toString());
    history = TestServer.await(bus.request(RouterApi.HISTORY, new RouterApi.History(recipient.caller(), conversation, 0, -1, false)));
    assertEquals(1, history.messages().size());
    assertEquals("real", new JsonObject(history.messages().get(0)).getString("Content"));
  }

  @Test
  void aTokenIsTheUsersOwnOnly() {
    User a = newUser();
    User b = newUser();
    // a's valid token presented for b: the service reads the subject, not the claim.
    assertEquals(401, code(bus.request(UserApi.MY_GROUPS, new UserApi.MyGroups(new Caller(b.id, a.token)))));
    assertEquals(200, code(bus.request(UserApi.MY_GROUPS, new UserApi.MyGroups(b.caller()))));
  }

  private static RouterApi.ChatMessage message(long to, String content, String payload) {
    return new RouterApi.ChatMessage(RouterApi.ChatMessage.PRIVATE, to, 1, content, "", 0, null, payload);
  }
}
