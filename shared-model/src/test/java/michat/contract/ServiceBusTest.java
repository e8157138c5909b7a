package michat.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import michat.model.Failures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service relies on when it serves a contract: bodies that are not the record, name a
 * problem, or act for a user without a verified caller never reach the handler; records cross JVMs
 * as the JSON of their components and are handed over as they are within one.
 */
class ServiceBusTest {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceBusTest.class);
  private Vertx vertx;
  private final AtomicInteger handled = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A user-service stand-in whose caller check accepts only the token "good" of user 7. */
  private ServiceBus serving() throws Exception {
    ServiceBus bus = ServiceBus.serving(vertx, caller -> caller.userId() == 7 && "good".equals(caller.token())
        ? Future.succeededFuture() : Failures.fail(Failures.UNAUTHORIZED, "not your session"));
    bus.serve(UserApi.ADD_FRIEND, req -> {
      handled.incrementAndGet();
      return Future.succeededFuture(user(req.caller().userId()));
    }, LOG).completion().await(5, TimeUnit.SECONDS);
    return bus;
  }

  private static UserApi.UserInfo user(long id) {
    return new UserApi.UserInfo(id, "u" + id, "", "", "", "", "", "", null, null, null, false, "t", "t");
  }

  private static int code(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
      return 200;
    } catch (Exception e) {
      return Failures.codeOf(e);
    }
  }

  @Test
  void onlyAWellFormedRequestOfAVerifiedCallerReachesTheHandler() throws Exception {
    ServiceBus bus = serving();
    assertEquals(200, code(bus.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(new Caller(7, "good"), "x"))));
    assertEquals(1, handled.get());
    assertEquals(401, code(bus.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(new Caller(8, "good"), "x"))));
    assertEquals(401, code(bus.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(new Caller(7, "bad"), "x"))));
    assertEquals(401, code(bus.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(null, "x"))));
    assertEquals(400, code(bus.request(UserApi.ADD_FRIEND, new UserApi.AddFriend(new Caller(7, "good"), null))));
    assertEquals(400, code(vertx.eventBus().request(UserApi.ADD_FRIEND.address(),
        new JsonObject().put("userId", 7).put("targetName", "x"), new DeliveryOptions().setSendTimeout(5_000))));
    assertEquals(1, handled.get(), "none of the refused requests reached the handler");
  }

  @Test
  void aHandlerThatThrowsIsAnsweredNotLeftToTimeOut() throws Exception {
    ServiceBus bus = ServiceBus.of(vertx);
    bus.serve(UserApi.GROUP_MEMBERS, req -> {
      throw new IllegalArgumentException("boom");
    }, LOG).completion().await(5, TimeUnit.SECONDS);
    long started = System.currentTimeMillis();
    assertEquals(500, code(bus.request(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(1))),
        "a bug, not the caller's fault: logged once, answered as an internal error");
    assertTrue(System.currentTimeMillis() - started < 5_000);
  }

  @Test
  void withinOneJvmTheRecordItselfIsHandedOver() throws Exception {
    ServiceBus bus = ServiceBus.of(vertx);
    RouterApi.Range range = new RouterApi.Range(3, List.of(new RouterApi.Sequenced(4, "{}")), true);
    bus.serve(RouterApi.FILL, req -> Future.succeededFuture(range), LOG).completion().await(5, TimeUnit.SECONDS);
    // FILL acts for a user, and this bus verifies nobody: refused, which is the point of CallerVerifier.NONE.
    assertEquals(500, code(bus.request(RouterApi.FILL, new RouterApi.Fill(new Caller(1, "t"), "p:1:2", null, 4))));
    UserApi.GroupMembersQuery query = new UserApi.GroupMembersQuery(5);
    AtomicInteger same = new AtomicInteger();
    vertx.eventBus().<Object>consumer("test.identity", m -> {
      if (m.body() == query) {
        same.incrementAndGet();
      }
      m.reply(m.body());
    }).completion().await(5, TimeUnit.SECONDS);
    Object back = vertx.eventBus().request("test.identity", query).await(5, TimeUnit.SECONDS).body();
    assertEquals(1, same.get(), "no copy on the way in");
    assertSame(query, back, "nor on the way back");
  }

  @Test
  void betweenJvmsARecordIsTheJsonOfItsComponents() {
    ContractCodec<RouterApi.Inbound> codec = new ContractCodec<>(RouterApi.Inbound.class);
    RouterApi.Inbound in = new RouterApi.Inbound(new Caller(7, "tok"), "s1", new RouterApi.ChatMessage(1, 2, 1,
        "héllo ✓", "", 0, null, "{\"TargetId\":2,\"Content\":\"héllo ✓\",\"userId\":7}"));
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, in);
    JsonObject json = new JsonObject(wire.getBuffer(4, wire.length()));
    assertEquals(new JsonObject().put("caller", new JsonObject().put("userId", 7).put("token", "tok"))
        .put("sessionId", "s1").put("message", new JsonObject().put("type", 1).put("targetId", 2).put("media", 1)
            .put("content", "héllo ✓").put("url", "").put("amount", 0).putNull("clientMsgId")
            .put("payload", in.message().payload())), json);
    assertEquals(in, codec.decodeFromWire(0, wire));

    ContractCodec<UserApi.UserInfo> users = new ContractCodec<>(UserApi.UserInfo.class);
    UserApi.UserInfo u = new UserApi.UserInfo(9, "n", null, "", "/asset/a.png", "", "", "", "t1", null, null, true, "c", "u");
    Buffer ub = Buffer.buffer();
    users.encodeToWire(ub, u);
    assertEquals(true, new JsonObject(ub.getBuffer(4, ub.length())).getBoolean("isLogout"), "named as the component, not as a bean");
    assertEquals(u, users.decodeFromWire(0, ub));

    ContractCodec<UserApi.GroupMembers> members = new ContractCodec<>(UserApi.GroupMembers.class);
    UserApi.GroupMembers m = new UserApi.GroupMembers(3, 1, true, List.of(1L, 2L), Map.of(2L, 40L));
    Buffer b = Buffer.buffer();
    members.encodeToWire(b, m);
    assertEquals(m, members.decodeFromWire(0, b), "map keys come back as numbers");
  }

  @Test
  void aBodyThatIsNotTheRecordFailsWhenReadNamingTheRecord() {
    ContractCodec<UserApi.FindUser> codec = new ContractCodec<>(UserApi.FindUser.class);
    byte[] json = "{\"caller\":{\"userId\":\"seven\"},\"id\":1}".getBytes();
    Buffer wire = Buffer.buffer().appendInt(json.length).appendBytes(json);
    ContractCodec.MalformedBody e = assertThrows(ContractCodec.MalformedBody.class, () -> codec.decodeFromWire(0, wire));
    assertTrue(e.getMessage().startsWith("not a FindUser"), e.getMessage());
    byte[] nulled = "{\"caller\":null,\"id\":null}".getBytes();
    assertThrows(ContractCodec.MalformedBody.class,
        () -> codec.decodeFromWire(0, Buffer.buffer().appendInt(nulled.length).appendBytes(nulled)),
        "a null number is not silently 0");
  }

  @Test
  void aOneWayMessageThatNamesAProblemNeverReachesItsHandler() throws Exception {
    ServiceBus bus = ServiceBus.of(vertx);
    List<RouterApi.Deliveries> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    bus.subscribe(RouterApi.DELIVER, "n1", seen::add).completion().await(5, TimeUnit.SECONDS);
    bus.publish(RouterApi.DELIVER, "n1", new RouterApi.Deliveries(null, null));   // neither messages nor signal
    bus.publish(RouterApi.DELIVER, "n1", RouterApi.Deliveries.of(List.of(
        new RouterApi.Delivery(null, "g:1", 1, 0, "{}", null, 0))));               // a delivery to nobody
    vertx.eventBus().publish(RouterApi.DELIVER.at("n1"), new JsonObject().put("messages", "x"));   // not the record
    RouterApi.Deliveries good = RouterApi.Deliveries.of(List.of(new RouterApi.Delivery(List.of(7L), "g:1", 2, 1, "{}", null, 0)));
    bus.publish(RouterApi.DELIVER, "n1", good);
    long deadline = System.currentTimeMillis() + 5_000;
    while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
    assertEquals(List.of(good), seen, "only the well-formed one, the others dropped before the handler");
  }

  @Test
  void everyContractTypeHasACodecAndEveryAddressOneContract() {
    Contracts.register(vertx);
    assertEquals(Contracts.endpoints().size() + Contracts.topics().size(),
        Contracts.endpoints().stream().map(Endpoint::address).distinct().count()
            + Contracts.topics().stream().map(Topic::address).distinct().count(), "an address used twice");
    for (Class<?> type : Contracts.types()) {
      assertTrue(type.isRecord(), type + " is a record");
    }
  }
}
