package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import michat.client.MichatClient;
import michat.client.StreamFollower;
import michat.contract.Caller;
import michat.contract.Refusal;
import michat.contract.ServiceBus;
import michat.contract.v1.ServiceApi;
import michat.contract.v1.ServiceApi.Sent;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPage;
import michat.contract.v1.ServiceApi.StreamPosition;
import michat.model.Failures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * michat-client's {@link MichatClient} against a real michat (embedded, in this JVM: the event bus
 * is the same API as between JVMs, where the records travel as JSON — NotifierIT covers that). A
 * service account sends through the chat path and is seen as itself; the stream carries every stored
 * message once; catch-up and presence are for the listed accounts only.
 */
class MichatClientTest {
  private static final String SERVICE = "svc-" + ProcessHandle.current().pid();
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestServer server;
  private static MichatClient service;
  private static MichatClient unlisted;

  @BeforeAll
  static void start() {
    Map<String, String> env = new HashMap<>();
    env.put("MICHAT_SERVICE_ACCOUNTS", SERVICE + ", someone-else");
    // the catch-up's commit lag is this plus 5 s: the follower test waits for it
    env.put("MICHAT_STORAGE_CALL_TIMEOUT_MS", "100");
    server = TestServer.embedded(TestServer.tempDir(), env);
    server.newUser(SERVICE);
    String other = "plain-" + ProcessHandle.current().pid();
    server.newUser(other);
    service = await(MichatClient.login(server.app.vertx(), SERVICE, "pw-" + SERVICE));
    unlisted = await(MichatClient.login(server.app.vertx(), other, "pw-" + other));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private record User(long id, String name, String token) {}

  private static User user(String prefix) {
    JsonObject u = server.newUser(prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
    return new User(u.getLong("ID"), u.getString("Name"), u.getString("Identity"));
  }

  @Test
  void aServiceMessageReachesTheUserLiveAndInHistoryAsTheServicesOwn() {
    User u = user("reader");
    try (ChatClient socket = ChatClient.open(server, u.token)) {
      Sent sent = await(service.sendToUser(u.id, "hello from the service"));
      assertTrue(sent.ok(), sent.toString());
      assertEquals(MichatClient.privateConversation(service.userId(), u.id), sent.conversation());
      assertEquals(1, sent.seq());
      JsonObject frame = socket.nextJson();
      assertEquals("hello from the service", frame.getString("Content"));
      assertEquals(service.userId(), frame.getLong("userId"), "the sender is the service account");
    }
    List<StoredMessage> history = await(service.history(MichatClient.privateConversation(service.userId(), u.id), 0));
    assertEquals(List.of("hello from the service"), history.stream().map(StoredMessage::content).toList());
    assertEquals(service.userId(), history.get(0).senderId());
    JsonObject page = TestServer.json(server.post("/user/redisMsg", Map.of("userIdA", Long.toString(u.id),
        "userIdB", Long.toString(service.userId()), "start", "0", "end", "-1"), u.token));
    assertEquals("hello from the service", new JsonObject(page.getJsonArray("Total").getString(0)).getString("Content"));
  }

  @Test
  void aServiceMessageIsCheckedAndDeduplicatedLikeAChatFrame() {
    User u = user("checked");
    Sent tooLarge = await(service.sendToUser(u.id, "x".repeat(4097)));
    assertEquals("too_large", tooLarge.error());
    Sent first = await(service.sendToUser(u.id, "once", "svc-once-" + u.id));
    Sent again = await(service.sendToUser(u.id, "once", "svc-once-" + u.id));
    assertTrue(first.ok() && !first.duplicate(), first.toString());
    assertTrue(again.ok() && again.duplicate(), again.toString());
    assertEquals(first.seq(), again.seq());
    assertEquals(first.position(), again.position());
    assertEquals(List.of("once"), await(service.history(first.conversation(), 0)).stream()
        .map(StoredMessage::content).toList(), "stored once; the refused one not at all");
  }

  @Test
  void aServiceCannotSpeakAsAUserNorWhereItIsNoMember() {
    User victim = user("victim");
    User owner = user("owner");
    long group = createGroup(owner);
    // the caller is checked like any other: the service's token is not the victim's
    Caller forged = new Caller(victim.id, service.session().token());
    Throwable refused = failure(ServiceBus.of(server.app.vertx()).request(ServiceApi.SEND,
        new ServiceApi.SendMessage(forged, 1, owner.id, 1, "forged", "", null)));
    assertTrue(Refusal.NOT_AUTHENTICATED.is(refused), refused.toString());
    Sent notMember = await(service.sendToGroup(group, "hi all"));
    assertFalse(notMember.ok());
    assertEquals("not_a_member", notMember.error());
    assertEquals(0, server.count("SELECT COUNT(*) FROM messages WHERE payload LIKE ?", "%\"hi all\"%"));
    Sent nobody = await(service.sendToUser(999_999_999L, "anyone?"));
    assertEquals("no_such_user", nobody.error());
  }

  @Test
  void everyStoredMessageIsOnTheStreamOnceWithItsSenderAndRecipients() throws Exception {
    User a = user("sa");
    User b = user("sb");
    long group = createGroup(a, b);
    BlockingQueue<StoredMessage> stream = new LinkedBlockingQueue<>();
    var consumer = service.onMessageStored(stream::add);
    await(consumer.completion());
    try (ChatClient ca = ChatClient.open(server, a.token)) {
      JsonObject frame = ChatContract.text(a.id, b.id, "to b").put("clientMsgId", "c-1");
      ca.send(frame);
      ca.send(frame);   // a re-send of the same message: stored once, published once
      ca.send(new JsonObject().put("TargetId", group).put("Type", 2).put("userId", a.id).put("Media", 1)
          .put("Content", "to the group"));
      List<StoredMessage> seen = new ArrayList<>();
      for (StoredMessage m; (m = stream.poll(2, TimeUnit.SECONDS)) != null; ) {
        if (m.senderId() == a.id) {
          seen.add(m);
        }
      }
      assertEquals(List.of("to b", "to the group"), seen.stream().map(StoredMessage::content).toList());
      StoredMessage toB = seen.get(0);
      assertEquals(MichatClient.privateConversation(a.id, b.id), toB.conversation());
      assertEquals(ServiceApi.SendMessage.PRIVATE, toB.type());
      assertEquals(b.id, toB.targetId());
      StoredMessage toGroup = seen.get(1);
      assertEquals(MichatClient.groupConversation(group), toGroup.conversation());
      assertEquals(ServiceApi.SendMessage.GROUP, toGroup.type());
      assertEquals(group, toGroup.targetId());
      assertEquals(1, toGroup.seq());
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  void catchUpAndPresenceAreForListedAccountsOnly() {
    User u = user("online");
    try (ChatClient socket = ChatClient.open(server, u.token)) {
      assertEquals(Set.of(u.id), await(service.presence(List.of(u.id, 999_999_998L))));
      assertTrue(Refusal.NOT_A_SERVICE_ACCOUNT.is(failure(unlisted.presence(List.of(u.id)))));
    }
    StreamPage page = await(service.catchUp(StreamPosition.START, 10));
    assertTrue(page.messages().size() <= 10);
    assertTrue(Refusal.NOT_A_SERVICE_ACCOUNT.is(failure(unlisted.catchUp(StreamPosition.START, 10))));
    Throwable bad = failure(service.catchUp(new StreamPosition("not-a-position"), 10));
    assertEquals(Failures.BAD_REQUEST, Failures.codeOf(bad), bad.toString());
  }

  /**
   * A follower gets every message stored after its position exactly once, live and then caught up
   * from the database (which holds back the newest seconds); one started again from the beginning
   * gets them again (at least once), and its position then covers them.
   */
  @Test
  void aFollowerMissesNothingAndGetsEachMessageOnce() throws Exception {
    StreamPosition from = lastPosition();
    User a = user("fa");
    User b = user("fb");
    Map<String, Integer> got = new java.util.concurrent.ConcurrentHashMap<>();
    StreamFollower follower = onContext(() -> service.follow(from, m -> got.merge(m.conversation() + "#" + m.seq(), 1, Integer::sum)));
    try (ChatClient ca = ChatClient.open(server, a.token)) {
      for (int i = 0; i < 20; i++) {
        ca.send(ChatContract.text(a.id, b.id, "f" + i));
      }
      Set<String> expected = new HashSet<>();
      for (int i = 1; i <= 20; i++) {
        expected.add(MichatClient.privateConversation(a.id, b.id) + "#" + i);
      }
      waitFor(() -> got.keySet().containsAll(expected), 10_000);
      // the catch-up passes them (lag 5.1 s, polled every 2 s): nothing comes twice
      long deadline = System.currentTimeMillis() + 12_000;
      while (System.currentTimeMillis() < deadline && !follower.position().equals(lastPosition())) {
        Thread.sleep(200);
      }
      assertEquals(lastPosition(), follower.position(), "the follower's position reached the newest message");
      assertTrue(got.entrySet().stream().filter(e -> expected.contains(e.getKey())).allMatch(e -> e.getValue() == 1), got.toString());
    } finally {
      await(onContext(follower::close));
    }
  }

  private static StreamPosition lastPosition() {
    String max = server.queryString("SELECT MAX(pos) FROM messages WHERE pos > ?", 0);
    return max == null ? StreamPosition.START : new StreamPosition(max);
  }

  private static long createGroup(User owner, User... members) {
    var r = server.post("/contact/createCommunity", Map.of("name", "g-" + owner.name), owner.token);
    assertEquals(200, TestServer.status(r), r.bodyAsString());
    long id = r.bodyAsJsonObject().getJsonObject("Data").getLong("ID");
    for (User m : members) {
      assertEquals(200, TestServer.status(server.post("/contact/joinGroup", Map.of("comId", Long.toString(id)), m.token)));
    }
    return id;
  }

  private static <T> T onContext(java.util.function.Supplier<T> task) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    server.app.vertx().runOnContext(v -> p.complete(task.get()));
    return await(p.future());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, long ms) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, "not in time");
      Thread.sleep(50);
    }
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a refusal, got " + f.result());
  }

  private static <T> T await(Future<T> f) {
    return TestServer.await(f);
  }
}
