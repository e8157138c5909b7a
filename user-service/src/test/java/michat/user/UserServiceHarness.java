package michat.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import michat.auth.Session;
import michat.auth.SessionTokens;
import michat.auth.TokenSecret;
import michat.config.ConfigKey;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.contract.Refusal;
import michat.contract.Caller;
import michat.contract.Endpoint;
import michat.contract.ServiceBus;
import michat.contract.Topic;
import michat.contract.UserApi;
import michat.model.Failures;
import michat.storage.Database;

/**
 * The real user-service ({@link UserVerticle}) on a test's Vert.x, over the embedded H2 store in a
 * temporary data directory, migrated as michat migrates it before deploying. Tests reach it only
 * through {@link ServiceBus} with {@link UserApi} records, as the web role does; the SQL pool is for
 * arranging what another service owns (the router's sequence numbers) and nothing else.
 */
final class UserServiceHarness {
  static final long WAIT_SECONDS = 10;
  /** Unique names and client addresses across every test of the JVM. */
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** A registered, logged-in user; {@code caller} carries the token of that login. */
  record Account(long id, String name, String password, String ip, Caller caller) {}

  /** How a request was refused. */
  record Refused(int code, String message) {
    /** How a service's {@link Refusal} arrives: its status, its key and argument. */
    static Refused of(Refusal r, Object argument) {
      return new Refused(r.status, r.failure(argument).getMessage());
    }

    static Refused of(Refusal r) {
      return of(r, null);
    }
  }

  final ServiceBus bus;
  /** Same secret as the service's: reads the session id and generation of a token. */
  final SessionTokens tokens;
  private final Pool sql;
  private final Path dataDir;

  private UserServiceHarness(Vertx vertx, MichatConfig cfg, Path dataDir) {
    this.dataDir = dataDir;
    this.bus = ServiceBus.of(vertx);
    this.tokens = new SessionTokens(vertx, cfg);
    this.sql = new Database(cfg).pool(vertx);
  }

  /**
   * Migrates a fresh store and deploys user-service with fast test settings (a low hashing cost)
   * and {@code settings} on top.
   */
  static UserServiceHarness start(Vertx vertx, Map<ConfigKey, Object> settings) throws Exception {
    Path dataDir = Files.createTempDirectory("michat-user-test");
    MichatConfig cfg = MichatConfig.load(null, Map.of())
        .with(ConfigKeys.DATA_DIR, dataDir.toString(), "test")
        .with(ConfigKeys.TOKEN_SECRET, TokenSecret.generate(), "test")
        // The production cost (600k iterations) takes ~0.3 s a hash; the minimum tests the same code.
        .with(ConfigKeys.PASSWORD_ITERATIONS, 1_000, "test");
    for (Map.Entry<ConfigKey, Object> s : settings.entrySet()) {
      cfg = cfg.with(s.getKey(), s.getValue(), "test");
    }
    new Database(cfg).migrate();
    vertx.deployVerticle(new UserVerticle(), new DeploymentOptions().setConfig(cfg.toJson()))
        .await(30, TimeUnit.SECONDS);
    return new UserServiceHarness(vertx, cfg, dataDir);
  }

  /** Closes the test's pool and removes the data directory (Vert.x itself is closed by its extension). */
  void close() throws Exception {
    sql.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // ---- requests ----

  /** The reply; a refusal fails the test with its code and message. */
  <Q, R> R call(Endpoint<Q, R> endpoint, Q body) {
    try {
      return bus.request(endpoint, body).await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail(endpoint.address() + " refused with " + Failures.codeOf(e) + ": " + e.getMessage(), e);
    }
  }

  /** How the request was refused; a reply fails the test. */
  <Q, R> Refused refusal(Endpoint<Q, R> endpoint, Q body) {
    R reply;
    try {
      reply = bus.request(endpoint, body).await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      return new Refused(Failures.codeOf(e), e.getMessage());
    }
    return fail(endpoint.address() + " should have been refused but answered " + reply);
  }

  /** Refused before the handler: a malformed request (400) or no caller (401), with the bus's message. */
  <Q, R> void assertRefused(int code, String message, Endpoint<Q, R> endpoint, Q body) {
    assertEquals(new Refused(code, message), refusal(endpoint, body), endpoint.address());
  }

  /** Refused by the service for {@code reason}. */
  <Q, R> void assertRefused(Refusal reason, Endpoint<Q, R> endpoint, Q body) {
    assertEquals(Refused.of(reason), refusal(endpoint, body), endpoint.address());
  }

  <Q, R> void assertRefused(Refusal reason, Object argument, Endpoint<Q, R> endpoint, Q body) {
    assertEquals(Refused.of(reason, argument), refusal(endpoint, body), endpoint.address());
  }

  // ---- accounts ----

  static String uniqueName(String prefix) {
    return prefix + "-" + uniqueNumber();
  }

  static int uniqueNumber() {
    return COUNTER.incrementAndGet();
  }

  /** A client address of its own, so that one test's failures are not throttled by another's. */
  static String freshIp() {
    int n = uniqueNumber();
    return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
  }

  static UserApi.Register registration(String name, String password, String confirm, String ip) {
    return new UserApi.Register(name, password, confirm, ip);
  }

  static UserApi.Login login(String name, String password, String ip) {
    return new UserApi.Login(name, password, ip, "50000", "unit test");
  }

  /** Registers a user with a unique name starting with {@code prefix} and logs them in. */
  Account newAccount(String prefix) {
    String name = uniqueName(prefix);
    String password = "pw of " + name;
    String ip = freshIp();
    call(UserApi.REGISTER, registration(name, password, password, ip));
    return loginAgain(new Account(0, name, password, ip, null));
  }

  /** A new login of the account: a new session and token. */
  Account loginAgain(Account a) {
    UserApi.LoggedIn in = call(UserApi.LOGIN, login(a.name(), a.password(), a.ip()));
    return new Account(in.user().id(), a.name(), a.password(), a.ip(), new Caller(in.user().id(), in.token()));
  }

  /** A profile update that changes nothing but what the caller sets afterwards. */
  static UserApi.UpdateUser update(Account a, String name, String password, String currentPassword, String phone,
                                   String email) {
    return new UserApi.UpdateUser(a.caller(), name, password, currentPassword, phone, email, "", a.ip());
  }

  UserApi.SessionState sessionState(long userId) {
    return call(UserApi.SESSION_STATE, new UserApi.SessionStateQuery(userId));
  }

  Session session(String token) {
    try {
      return tokens.decode(token).await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail("not a valid token: " + e.getMessage(), e);
    }
  }

  // ---- events and SQL ----

  /** Collects what is published on {@code topic} from now on. */
  <T> Events<T> listen(Topic<T> topic) throws Exception {
    Events<T> events = new Events<>();
    events.consumer = bus.subscribe(topic, events.received::add);
    events.consumer.completion().await(WAIT_SECONDS, TimeUnit.SECONDS);
    return events;
  }

  static final class Events<T> {
    private final BlockingQueue<T> received = new LinkedBlockingQueue<>();
    private MessageConsumer<T> consumer;

    /** The first message received that matches, waiting for it; fails the test if none comes. */
    T next(Predicate<T> matching) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      for (long left; (left = deadline - System.nanoTime()) > 0; ) {
        T m = received.poll(left, TimeUnit.NANOSECONDS);
        if (m != null && matching.test(m)) {
          return m;
        }
      }
      return fail("no matching message was published");
    }

    void close() throws Exception {
      consumer.unregister().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Runs a statement in the store, as another service (the router) would. */
  void sql(String statement, Object... params) throws Exception {
    Database.write(sql, tx -> tx.preparedQuery(statement).execute(Tuple.from(List.of(params))))
        .await(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
