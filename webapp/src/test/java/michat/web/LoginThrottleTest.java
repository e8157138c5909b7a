package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password guessing and name probing are throttled with the defaults (5 failures per account name,
 * 20 per client address, then locks from {@value #FIRST_LOCK_SECONDS} s doubling): answered 429 in
 * the route's shape with Retry-After, before any password work. Each test uses its own client address
 * (127.0.0.x) so that the per-address counts do not mix.
 */
class LoginThrottleTest {
  private static final int FIRST_LOCK_SECONDS = 2;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.embedded(TestServer.tempDir(),
        Map.of("MICHAT_THROTTLE_FIRST_LOCK_SECONDS", Integer.toString(FIRST_LOCK_SECONDS)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void sixthWrongPasswordIsRefusedUntilTheLockExpiresThenTheRightOneLogsIn() throws Exception {
    WebClient client = server.clientFrom("127.0.0.11", 1);
    String name = "throttled-alice";
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(client, name))));
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> r = TestServer.await(TestServer.login(client, name, "guess-" + i));
      assertEquals(401, TestServer.status(r), "failure " + (i + 1) + " is free: " + r.bodyAsString());
    }
    HttpResponse<Buffer> locked = TestServer.await(TestServer.login(client, name, "guess-5"));
    assertTooMany(locked, FIRST_LOCK_SECONDS);
    HttpResponse<Buffer> right = TestServer.await(TestServer.login(client, name, "pw-" + name));
    assertEquals(429, TestServer.status(right), "while locked even the right password is not checked");

    long deadline = System.currentTimeMillis() + 10_000;
    HttpResponse<Buffer> after;
    do {
      Thread.sleep(200);
      after = TestServer.await(TestServer.login(client, name, "pw-" + name));
    } while (TestServer.status(after) == 429 && System.currentTimeMillis() < deadline);
    assertEquals(200, TestServer.status(after), "the right password logs in once the lock expired: " + after.bodyAsString());
    assertEquals(401, TestServer.status(TestServer.await(TestServer.login(client, name, "guess-6"))), "a success reset the count");
    client.close();
  }

  @Test
  void parallelGuessesCannotSlipPastTheFreeFailures() {
    WebClient client = server.clientFrom("127.0.0.12", 30);
    String name = "throttled-bob";
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(client, name))));
    List<Future<HttpResponse<Buffer>>> guesses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      guesses.add(TestServer.login(client, name, "guess-" + i));
    }
    int checked = 0;
    for (Future<HttpResponse<Buffer>> f : guesses) {
      HttpResponse<Buffer> r = TestServer.await(f);
      assertTrue(TestServer.status(r) == 401 || TestServer.status(r) == 429, r.bodyAsString());
      checked += TestServer.status(r) == 401 ? 1 : 0;
      if (TestServer.status(r) == 429) {
        assertTrue(Integer.parseInt(r.getHeader("Retry-After")) >= 1);
      }
    }
    assertEquals(5, checked, "of 30 parallel guesses only the 5 free ones were checked");
    client.close();
  }

  @Test
  void anAddressIsLockedAfterTwentyFailuresAcrossNamesOthersAreNot() {
    WebClient sprayer = server.clientFrom("127.0.0.13", 1);
    for (int i = 0; i < 20; i++) {
      assertEquals(401, TestServer.status(TestServer.await(TestServer.login(sprayer, "spray-" + i, "123456"))), "failure " + (i + 1));
    }
    assertTooMany(TestServer.await(TestServer.login(sprayer, "spray-20", "123456")), FIRST_LOCK_SECONDS);
    WebClient other = server.clientFrom("127.0.0.14", 1);
    String name = "unaffected-carol";
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(other, name))));
    assertEquals(200, TestServer.status(TestServer.await(TestServer.login(other, name, "pw-" + name))), "another address logs in");
    sprayer.close();
    other.close();
  }

  @Test
  void probingTakenNamesByRegistrationIsThrottledPerAddress() {
    WebClient prober = server.clientFrom("127.0.0.15", 1);
    String taken = "taken-dave";
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(prober, taken))));
    for (int i = 0; i < 20; i++) {
      HttpResponse<Buffer> r = TestServer.await(TestServer.register(prober, taken));
      assertEquals(409, TestServer.status(r), "the seed's client still learns a name is taken: " + r.bodyAsString());
      assertEquals("用户名已注册！", r.bodyAsJsonObject().getString("message"));
    }
    assertTooMany(TestServer.await(TestServer.register(prober, "fresh-erin")), FIRST_LOCK_SECONDS);
    WebClient other = server.clientFrom("127.0.0.16", 1);
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(other, "fresh-erin"))), "another address registers");
    prober.close();
    other.close();
  }

  private static void assertTooMany(HttpResponse<Buffer> r, int seconds) {
    assertEquals(429, TestServer.status(r), r.bodyAsString());
    assertEquals(Integer.toString(seconds), r.getHeader("Retry-After"));
    assertEquals(new JsonObject().put("code", -1).put("message", "尝试次数过多，请 " + seconds + " 秒后再试").putNull("data"),
        r.bodyAsJsonObject());
  }
}
