package michat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.List;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.SessionState;
import michat.contract.UserApi.SessionsEnded;
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
  private final AtomicReference<SessionState> state = new AtomicReference<>();
  private final AtomicInteger asked = new AtomicInteger();
  private MessageConsumer<?> userService;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    state.set(new SessionState(true, 0, List.of()));
    userService = ServiceBus.of(vertx).serve(UserApi.SESSION_STATE, query -> {
      asked.incrementAndGet();
      return Future.succeededFuture(state.get());
    }, org.slf4j.LoggerFactory.getLogger(SessionRevocationsTest.class));
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

  private void publish(SessionsEnded event) throws Exception {
    ServiceBus.of(vertx).publish(UserApi.SESSIONS_ENDED, event);
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
    publish(new SessionsEnded(7, "phone", null, false));
    assertEquals(false, live(phone));
    assertTrue(live(laptop));
    publish(new SessionsEnded(7, null, 1, false));
    assertEquals(false, live(laptop));
    assertEquals(1, asked.get(), "the publishes updated the cache, no request needed");
  }

  @Test
  void aTokenNewerThanTheCacheIsCheckedAgainNotRefused() throws Exception {
    assertTrue(live(new Session(7, "old", 0, Long.MAX_VALUE)));
    // The password changed; the caller's new token arrives here before user-service's publish does.
    state.set(new SessionState(true, 1, List.of()));
    assertTrue(live(new Session(7, "new", 1, Long.MAX_VALUE)));
    assertEquals(false, live(new Session(7, "old", 0, Long.MAX_VALUE)), "and the older one is refused from then on");
  }

  @Test
  void aDeletedUsersSessionsAreRefused() throws Exception {
    Session s = new Session(7, "a", 0, Long.MAX_VALUE);
    assertTrue(live(s));
    publish(new SessionsEnded(7, null, null, true));
    assertEquals(false, live(s));
    state.set(new SessionState(false, 0, List.of()));
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
