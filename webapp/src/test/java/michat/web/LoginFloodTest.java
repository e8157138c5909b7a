package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password hashing at a realistic cost cannot starve the server: with throttling out of the way (as
 * for an attacker with many addresses), a flood of wrong logins from one address leaves chat fast and
 * another address's login prompt, and login does not tell unknown names from wrong passwords.
 */
class LoginFloodTest {
  /** A third of the production default (600,000): a hash costs ~0.1 s here, enough to hurt. */
  private static final String ITERATIONS = "200000";
  private static final int FLOODERS = 24;

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_PASSWORD_ITERATIONS", ITERATIONS,
        // No throttling: every wrong login costs a hash, so what is measured is the hashing queue.
        "MICHAT_THROTTLE_ACCOUNT_FREE_FAILURES", "1000000",
        "MICHAT_THROTTLE_ADDRESS_FREE_FAILURES", "1000000"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void chatAndAnotherAddressesLoginStayFastDuringALoginFlood() throws Exception {
    JsonObject a = server.newUser("flood-a");
    JsonObject b = server.newUser("flood-b");
    String honest = "flood-honest";
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(server.client, honest))));
    WebClient other = server.clientFrom("127.0.0.2", 1);
    WebClient flooder = server.clientFrom("127.0.0.1", FLOODERS);
    try (ChatClient ca = ChatClient.open(server, a.getString("Identity"));
         ChatClient cb = ChatClient.open(server, b.getString("Identity"))) {
      long[] quiet = conversation(ca, cb, a.getLong("ID"), b.getLong("ID"), 10);

      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicInteger answered = new AtomicInteger();
      for (int i = 0; i < FLOODERS; i++) {
        floodFrom(flooder, flooding, answered);
      }
      long deadline = System.currentTimeMillis() + 20_000;
      while (answered.get() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(answered.get() >= 2, "the flood is being answered");
      try {
        long[] flooded = conversation(ca, cb, a.getLong("ID"), b.getLong("ID"), 20);
        long started = System.nanoTime();
        HttpResponse<Buffer> login = TestServer.await(TestServer.login(other, honest, "pw-" + honest));
        long loginMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("chat latency ms quiet %s, during a flood of %d wrong logins %s; login from another"
            + " address %d ms%n", Arrays.toString(quiet), FLOODERS, Arrays.toString(flooded), loginMs);

        assertEquals(200, TestServer.status(login), login.bodyAsString());
        assertTrue(median(flooded) < 100, "chat median latency " + median(flooded) + " ms during the flood");
        assertTrue(flooded[flooded.length - 1] < 500, "chat worst latency " + flooded[flooded.length - 1] + " ms");
        assertTrue(loginMs < 1_000, "another address's login took " + loginMs + " ms during the flood");
      } finally {
        flooding.set(false);
        other.close();
        flooder.close();
      }
    }
  }

  @Test
  void fiftyParallelRegistrationsAllSucceed() {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(TestServer.register(server.client, "burst-" + i));
    }
    for (Future<HttpResponse<Buffer>> f : all) {
      HttpResponse<Buffer> r = TestServer.await(f);
      assertEquals(200, TestServer.status(r), r.bodyAsString());
    }
  }

  @Test
  void unknownNameAndWrongPasswordLookAndTakeTheSame() {
    String name = "enum-known";
    assertEquals(200, TestServer.status(TestServer.await(TestServer.register(server.client, name))));
    long[] wrong = new long[3];
    long[] unknown = new long[3];
    HttpResponse<Buffer> wrongReply = null;
    HttpResponse<Buffer> unknownReply = null;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      wrongReply = TestServer.await(TestServer.login(server.client, name, "not-it-" + i));
      long t1 = System.nanoTime();
      unknownReply = TestServer.await(TestServer.login(server.client, "enum-nobody-" + i, "not-it-" + i));
      long t2 = System.nanoTime();
      wrong[i] = (t1 - t0) / 1_000_000;
      unknown[i] = (t2 - t1) / 1_000_000;
    }
    Arrays.sort(wrong);
    Arrays.sort(unknown);
    System.out.printf("login ms: wrong password %s, unknown name %s%n", Arrays.toString(wrong), Arrays.toString(unknown));
    assertEquals(401, TestServer.status(wrongReply));
    assertEquals(TestServer.status(wrongReply), TestServer.status(unknownReply));
    assertEquals(wrongReply.bodyAsString(), unknownReply.bodyAsString());
    assertEquals(new JsonObject().put("code", -1).put("message", "用户名或密码不正确").putNull("data"),
        unknownReply.bodyAsJsonObject());
    assertTrue(median(unknown) * 2 >= median(wrong),
        "an unknown name (" + median(unknown) + " ms) is answered about as slowly as a wrong password ("
            + median(wrong) + " ms)");
  }

  /** Round trips of {@code n} messages from a to b, in ms, sorted. */
  private static long[] conversation(ChatClient ca, ChatClient cb, long aId, long bId, int n) {
    long[] ms = new long[n];
    for (int i = 0; i < n; i++) {
      long started = System.nanoTime();
      ca.send(ChatContract.text(aId, bId, "m" + i));
      assertEquals("m" + i, new JsonObject(cb.next()).getString("Content"));
      ms[i] = (System.nanoTime() - started) / 1_000_000;
    }
    Arrays.sort(ms);
    return ms;
  }

  /** One flooder: a wrong login, and the next one as soon as it is answered, until told to stop. */
  private static void floodFrom(WebClient client, AtomicBoolean flooding, AtomicInteger answered) {
    if (flooding.get()) {
      TestServer.login(client, "flood-a", "guess").onComplete(r -> {
        answered.incrementAndGet();
        floodFrom(client, flooding, answered);
      });
    }
  }

  private static long median(long[] sorted) {
    return sorted[sorted.length / 2];
  }
}
