package michat.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import michat.auth.CallerCheck;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MediaUrlSettings;
import michat.config.MichatConfig;
import michat.contract.Endpoint;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.v1.ServiceApi;
import michat.model.MediaUrls;
import michat.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * user-service: owns accounts, friends and groups ({@link AccountService}, {@link FriendService}, {@link GroupService}).
 * Answers the requests of {@link UserApi}, wired here. A request acting for a user is served only when
 * its caller's token is a valid session of that user ({@link ServiceBus} checks it before any handler
 * runs), and acts for that user only.
 */
public class UserVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(UserVerticle.class);
  private static final long SWEEP_MS = 60_000;

  private Pool pool;
  private PasswordQueue passwords;
  private long sweepTimer = -1;
  private ServiceBus bus;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    pool = new Database(cfg).pool(vertx);
    UserRepository repo = new UserRepository(pool);
    PasswordHasher hasher = new PasswordHasher(cfg.integer(ConfigKeys.PASSWORD_ITERATIONS, 1_000, 10_000_000));
    passwords = new PasswordQueue(vertx, hasher, new PasswordQueue.Limits(
        cfg.integer(ConfigKeys.PASSWORD_HASH_THREADS, 1, 64),
        cfg.integer(ConfigKeys.PASSWORD_HASH_QUEUE, 1, 1_000_000),
        cfg.integer(ConfigKeys.PASSWORD_HASH_QUEUE_PER_ADDRESS, 1, 1_000_000),
        UserApi.ACCOUNT_TIMEOUT_MS));
    AccountThrottle throttle = throttle(cfg);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> throttle.sweep(System.currentTimeMillis()));
    SessionTokens tokens = new SessionTokens(vertx, cfg);
    MediaUrls mediaUrls = MediaUrlSettings.from(cfg);
    CallerCheck callers = new CallerCheck(tokens);
    bus = ServiceBus.serving(vertx, callers);
    Lookups lookups = new Lookups(repo);
    AccountService accounts = new AccountService(bus, repo, lookups, passwords, throttle, tokens, callers, mediaUrls,
        hasher.unmatchable());
    FriendService friends = new FriendService(repo, lookups);
    GroupService groups = new GroupService(bus, repo, lookups, mediaUrls, cfg.integer(ConfigKeys.GROUP_MAX_MEMBERS, 2, 1_000_000));

    serve(UserApi.HEALTH, accounts::health);
    serve(UserApi.REGISTER, accounts::register);
    serve(UserApi.LOGIN, accounts::login);
    serve(ServiceApi.LOGIN, accounts::serviceLogin);
    serve(UserApi.LIST, accounts::list);
    serve(UserApi.FIND, accounts::find);
    serve(UserApi.UPDATE, accounts::update);
    serve(UserApi.DELETE, accounts::delete);
    serve(UserApi.LOGOUT, accounts::logout);
    serve(UserApi.SESSION_STATE, accounts::sessionState);
    serve(UserApi.FRIENDS, friends::friends);
    serve(UserApi.ADD_FRIEND, friends::addFriend);
    serve(UserApi.CREATE_GROUP, groups::createGroup);
    serve(UserApi.MY_GROUPS, groups::groupsOfUser);
    serve(UserApi.JOIN_GROUP, groups::joinGroup);
    serve(UserApi.GROUP_MEMBERS, groups::members);
    serve(UserApi.UPDATE_GROUP, groups::updateGroup);
    String benchSecret = cfg.string(ConfigKeys.BENCH_SEED_SECRET);
    if (!benchSecret.isEmpty()) {
      serve(UserApi.BENCH_SEED, new BenchSeed(vertx, repo, passwords, tokens, benchSecret)::seed);
      LOG.warn("bench seeding is enabled (bench.seedSecret is set): do not set it in production");
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> repo.ping());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    if (passwords != null) {
      passwords.close();
    }
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** Forget quiet keys after 15 minutes, or twice the longest lock if that is longer. */
  private static AccountThrottle throttle(MichatConfig cfg) {
    long firstLockMs = cfg.number(ConfigKeys.THROTTLE_FIRST_LOCK_SECONDS, 1, 86_400) * 1000;
    long maxLockMs = cfg.number(ConfigKeys.THROTTLE_MAX_LOCK_SECONDS, 1, 86_400) * 1000;
    int maxEntries = cfg.integer(ConfigKeys.THROTTLE_MAX_ENTRIES, 100, 100_000_000);
    long forgetMs = Math.max(15 * 60_000, 2 * maxLockMs);
    return new AccountThrottle(
        new FailureThrottle.Policy(cfg.integer(ConfigKeys.THROTTLE_ACCOUNT_FREE_FAILURES, 1, 1_000_000),
            firstLockMs, maxLockMs, maxEntries, forgetMs),
        new FailureThrottle.Policy(cfg.integer(ConfigKeys.THROTTLE_ADDRESS_FREE_FAILURES, 1, 1_000_000),
            firstLockMs, maxLockMs, maxEntries, forgetMs));
  }

  private <Q, R> void serve(Endpoint<Q, R> endpoint, Function<Q, Future<R>> handler) {
    consumers.add(bus.serve(endpoint, handler, LOG));
  }
}
