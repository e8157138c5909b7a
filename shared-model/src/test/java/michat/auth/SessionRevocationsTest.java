package michat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import michat.model.Addresses;
import michat.model.Failures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The revocation cache against the event-bus contract of user-service ({@code michat.user.sessionState}
 * answered here by a stand-in holding one user's state, {@code michat.session.revoked} published as
 * user-service does). The whole path with the real user-service: webapp's SessionSecurityTest.
 */
class SessionRevocationsTest {
  private Vertx vertx;
  /** The one event loop the cache is used on, as in a verticle. */
  private Context loop;
  private SessionRevocations revocations;
  private final AtomicReference<JsonObject> state = new AtomicReference<>();
  private final AtomicInteger asked = new AtomicInteger();
  private MessageConsumer<JsonObject> userService;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    state.set(new JsonObject().put("exists", true).put("generation", 0).put("revoked", new JsonArray()));
    userService = vertx.eventBus().consumer(Addresses.USER_SESSION_STATE, msg -> {
      asked.incrementAndGet();
      msg.reply(state.get().copy());
    });
    userService.completion().await(5, TimeUnit.SECONDS);
    loop = vertx.getOrCreateContext();
    onLoop(() -> {
      revocations = new SessionRevocations(vertx);
      return revocations.ready();
    }).await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private boolean live(Session s) throws Exception {
    return onLoop(() -> revocations.check(s).map(ok -> true).recover(err -> {
      assertEquals(Failures.UNAUTHORIZED, Failures.codeOf(err), err.toString());
      return Future.succeededFuture(false);
    })).await(5, TimeUnit.SECONDS);
  }

  private void publish(JsonObject event) throws Exception {
    vertx.eventBus().publish(Addresses.SESSION_REVOKED, event);
    Thread.sleep(100);   // delivered on the event loop; the next check runs after it
  }

  @Test
  void aUserIsAskedForOnceAndThenServedFromTheCache() throws Exception {
    Session s = new Session(7, "a", 0, Long.MAX_VALUE);
    for (int i = 0; i < 20; i++) {
      assertTrue(live(s));
    }
    assertEquals(1, asked.get(), "one request, then the cache");
  }

  @Test
  void aLogoutEndsThatSessionOnlyAndAPasswordChangeEveryOlderOne() throws Exception {
    Session phone = new Session(7, "phone", 0, Long.MAX_VALUE);
    Session laptop = new Session(7, "laptop", 0, Long.MAX_VALUE);
    assertTrue(live(phone) && live(laptop));
    publish(new JsonObject().put("userId", 7).put("sessionId", "phone"));
    assertEquals(false, live(phone));
    assertTrue(live(laptop));
    publish(new JsonObject().put("userId", 7).put("generation", 1));
    assertEquals(false, live(laptop));
    assertEquals(1, asked.get(), "the publishes updated the cache, no request needed");
  }

  @Test
  void aTokenNewerThanTheCacheIsCheckedAgainNotRefused() throws Exception {
    assertTrue(live(new Session(7, "old", 0, Long.MAX_VALUE)));
    // The password changed; the caller's new token arrives here before user-service's publish does.
    state.set(new JsonObject().put("exists", true).put("generation", 1).put("revoked", new JsonArray()));
    assertTrue(live(new Session(7, "new", 1, Long.MAX_VALUE)));
    assertEquals(false, live(new Session(7, "old", 0, Long.MAX_VALUE)), "and the older one is refused from then on");
  }

  @Test
  void aDeletedUsersSessionsAreRefused() throws Exception {
    Session s = new Session(7, "a", 0, Long.MAX_VALUE);
    assertTrue(live(s));
    publish(new JsonObject().put("userId", 7).put("deleted", true));
    assertEquals(false, live(s));
    state.set(new JsonObject().put("exists", false));
    assertEquals(false, live(new Session(8, "b", 0, Long.MAX_VALUE)), "unknown to user-service: refused");
  }

  @Test
  void withoutUserServiceAnUnknownUserIsNotRefusedAsUnauthenticatedButFails() throws Exception {
    userService.unregister().await(5, TimeUnit.SECONDS);
    Throwable err = onLoop(() -> revocations.check(new Session(9, "c", 0, Long.MAX_VALUE)))
        .<Throwable>map(s -> null).otherwise(e -> e).await(15, TimeUnit.SECONDS);
    assertTrue(err != null && Failures.codeOf(err) == Failures.UNAVAILABLE, String.valueOf(err));
  }
}
