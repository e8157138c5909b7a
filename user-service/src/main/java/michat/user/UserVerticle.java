package michat.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import michat.contract.Refusal;
import michat.auth.CallerCheck;
import michat.auth.Session;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MediaUrlSettings;
import michat.config.MichatConfig;
import michat.contract.Done;
import michat.contract.Endpoint;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.*;
import michat.model.MediaUrls;
import michat.storage.Database;
import michat.storage.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * user-service: owns accounts, friends and groups. Answers the requests of {@link UserApi}. A request
 * acting for a user is served only when its caller's token is a valid session of that user
 * ({@link ServiceBus} checks it before any handler here runs), and acts for that user only.
 */
public class UserVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(UserVerticle.class);
  private static final long SWEEP_MS = 60_000;

  private Pool pool;
  private UserRepository repo;
  private PasswordQueue passwords;
  private AccountThrottle throttle;
  /** Checked when a login names no account, so that it takes as long as a wrong password. */
  private String unmatchableHash;
  private long sweepTimer = -1;
  private SessionTokens tokens;
  private int maxGroupMembers;
  private MediaUrls mediaUrls;
  private ServiceBus bus;
  private CallerCheck callers;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    pool = new Database(cfg).pool(vertx);
    repo = new UserRepository(pool);
    PasswordHasher hasher = new PasswordHasher(cfg.integer(ConfigKeys.PASSWORD_ITERATIONS, 1_000, 10_000_000));
    unmatchableHash = hasher.unmatchable();
    passwords = new PasswordQueue(vertx, hasher, new PasswordQueue.Limits(
        cfg.integer(ConfigKeys.PASSWORD_HASH_THREADS, 1, 64),
        cfg.integer(ConfigKeys.PASSWORD_HASH_QUEUE, 1, 1_000_000),
        cfg.integer(ConfigKeys.PASSWORD_HASH_QUEUE_PER_ADDRESS, 1, 1_000_000),
        UserApi.ACCOUNT_TIMEOUT_MS));
    throttle = throttle(cfg);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> throttle.sweep(System.currentTimeMillis()));
    tokens = new SessionTokens(vertx, cfg);
    maxGroupMembers = cfg.integer(ConfigKeys.GROUP_MAX_MEMBERS, 2, 1_000_000);
    mediaUrls = MediaUrlSettings.from(cfg);
    callers = new CallerCheck(tokens);
    bus = ServiceBus.serving(vertx, callers);

    serve(UserApi.HEALTH, this::health);
    serve(UserApi.REGISTER, this::register);
    serve(UserApi.LOGIN, this::login);
    serve(UserApi.LIST, this::list);
    serve(UserApi.FIND, this::find);
    serve(UserApi.UPDATE, this::update);
    serve(UserApi.DELETE, this::delete);
    serve(UserApi.LOGOUT, this::logout);
    serve(UserApi.SESSION_STATE, this::sessionState);
    serve(UserApi.FRIENDS, this::friends);
    serve(UserApi.ADD_FRIEND, this::addFriend);
    serve(UserApi.CREATE_GROUP, this::createGroup);
    serve(UserApi.MY_GROUPS, this::groupsOfUser);
    serve(UserApi.JOIN_GROUP, this::joinGroup);
    serve(UserApi.GROUP_MEMBERS, this::members);
    serve(UserApi.UPDATE_GROUP, this::updateGroup);
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

  // ---- accounts ----

  private Future<Health> health(HealthCheck req) {
    return repo.ping().map(v -> new Health("up"));
  }

  /** The original's order of checks: empty fields, name taken, passwords differ. */
  private Future<UserInfo> register(Register req) {
    String name = req.name();
    String password = req.password();
    String confirm = req.confirm();
    if (name.isEmpty() || password.isEmpty() || confirm.isEmpty()) {
      return Refusal.FIELDS_EMPTY.fail();
    }
    Optional<String> bad = AccountRules.text("name", name, AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("password", password, AccountRules.PASSWORD_MAX));
    if (bad.isPresent()) {
      return Refusal.INVALID.fail(bad.get());
    }
    String clientIp = req.clientIp();
    // "Name taken" tells which names exist: refusals count against the address like failed logins.
    return throttle.registration(clientIp).compose(attempt -> createUser(name, password, confirm, clientIp)
        .andThen(attempt::settle));
  }

  private Future<UserInfo> createUser(String name, String password, String confirm, String clientIp) {
    return repo.findUserByName(name).compose(existing -> {
      if (existing.isPresent()) {
        return Refusal.NAME_TAKEN.fail();
      }
      if (!password.equals(confirm)) {
        return Refusal.PASSWORDS_DIFFER.fail();
      }
      return passwords.hash(clientIp, password).compose(h -> repo.insertUser(name, h))
          .recover(err -> SqlErrors.isDuplicate(err)
              ? Refusal.NAME_TAKEN.fail() : Future.failedFuture(err))
          .onSuccess(u -> LOG.info("user {} registered as id {}", name, u.id()));
    });
  }

  private Future<LoggedIn> login(Login req) {
    String name = req.name();
    String password = req.password();
    if (name.isEmpty() || password.isEmpty()) {
      return Refusal.FIELDS_EMPTY.fail();
    }
    String clientIp = req.clientIp();
    return throttle.login(name, clientIp)
        .compose(attempt -> checkPassword(name, password, clientIp).andThen(attempt::settle))
        .compose(c -> repo.recordLogin(c.id(), clientIp, req.clientPort(), truncate(req.deviceInfo(), 255))
            .compose(v -> repo.findUserById(c.id()))
            .map(u -> new LoggedIn(u.orElseThrow(), tokens.issue(c.id(), c.tokenGeneration()))));
  }

  /**
   * The user's credentials when the password is theirs. An unknown name is checked against a hash no
   * password matches and answered like a wrong password: the same message in about the same time, so
   * login does not tell which names exist.
   */
  private Future<UserRepository.Credentials> checkPassword(String name, String password, String clientIp) {
    return repo.findCredentials(name).compose(found -> passwords
        .matches(clientIp, password, found.map(UserRepository.Credentials::passwordHash).orElse(unmatchableHash))
        .compose(ok -> ok && found.isPresent() ? Future.succeededFuture(found.get())
            : Refusal.LOGIN_FAILED.fail()));
  }

  /**
   * Ends the session the caller's token names (its id and expiry come from the verified token, not
   * from the request); every verifier hears of it at once (and asks again within a minute anyway).
   */
  private Future<Done> logout(Logout req) {
    return callers.verify(req.caller()).compose(this::endSession);
  }

  private Future<Done> endSession(Session s) {
    return repo.revokeSession(s.userId(), s.id(), LocalDateTime.ofEpochSecond(s.expiresAt(), 0, ZoneOffset.UTC))
        .map(v -> {
          revoked(new SessionsEnded(s.userId(), s.id(), null, false));
          LOG.info("user {} logged out (session {})", s.userId(), s.id());
          return Done.DONE;
        });
  }

  private Future<SessionState> sessionState(SessionStateQuery req) {
    return repo.sessionState(req.userId());
  }

  /** Tells every token verifier and chat gateway, on every node, that sessions ended. */
  private void revoked(SessionsEnded event) {
    bus.publish(UserApi.SESSIONS_ENDED, event);
  }

  private Future<Users> list(ListUsers req) {
    return repo.listUsers().map(Users::new);
  }

  private Future<UserInfo> find(FindUser req) {
    return existingUser(req.id());
  }

  /**
   * Changes the caller's given fields; empty ones stay as they are (the original's behaviour).
   * A new name must be free. A new password needs the current one ({@code currentPassword}); it is
   * hashed, ends every session of the user (a new generation) and comes back with a fresh token for
   * the caller (null when the password did not change).
   */
  private Future<Updated> update(UpdateUser req) {
    long id = req.caller().userId();
    Map<String, String> fields = new LinkedHashMap<>();   // column -> new value
    putIfGiven(fields, "name", req.name());
    putIfGiven(fields, "phone", req.phone());
    putIfGiven(fields, "email", req.email());
    putIfGiven(fields, "avatar", req.avatar());
    String password = req.password();
    Optional<String> bad = AccountRules.text("name", req.name(), AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("password", password, AccountRules.PASSWORD_MAX))
        .or(() -> AccountRules.text("icon", req.avatar(), AccountRules.URL_MAX))
        .or(() -> mediaUrls.problem("icon", req.avatar()));
    if (bad.isPresent()) {
      return Refusal.INVALID.fail(bad.get());
    }
    if (!AccountRules.validPhone(req.phone()) || !AccountRules.validEmail(req.email())) {
      return Refusal.PROFILE_INVALID.fail();
    }
    String current = req.currentPassword();
    String clientIp = req.clientIp();
    if (!password.isEmpty() && current.isEmpty()) {
      return Refusal.CURRENT_PASSWORD_REQUIRED.fail();
    }
    return existingUser(id)
        .compose(u -> password.isEmpty() ? Future.succeededFuture()
            : currentPasswordOf(u.name(), current, clientIp))
        .compose(v -> nameFreeFor(id, fields.get("name")))
        .compose(v -> password.isEmpty() ? Future.<String>succeededFuture(null) : passwords.hash(clientIp, password))
        .compose(h -> repo.updateUser(id, fields, h))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Refusal.NAME_TAKEN.fail() : Future.failedFuture(err))
        .map(generation -> password.isEmpty() ? null : newGeneration(id, generation))
        .compose(token -> existingUser(id).map(u -> new Updated(u, token)))
        .onSuccess(u -> LOG.info("user {} updated {}{}", id, fields.keySet(), password.isEmpty() ? "" : " and password"));
  }

  private static void putIfGiven(Map<String, String> fields, String column, String value) {
    if (!value.isEmpty()) {
      fields.put(column, value);
    }
  }

  /**
   * Fails with 403 unless {@code password} is the user's current one. Throttled like a login of the
   * account: a stolen session must not become a way to guess the password.
   */
  private Future<Void> currentPasswordOf(String name, String password, String clientIp) {
    return throttle.login(name, clientIp)
        .compose(attempt -> checkPassword(name, password, clientIp).andThen(attempt::settle))
        .<Void>mapEmpty()
        .recover(err -> Refusal.LOGIN_FAILED.is(err) ? Refusal.CURRENT_PASSWORD_WRONG.fail() : Future.failedFuture(err));
  }

  /** After a password change: every older session ends everywhere; the caller's continues with a new token. */
  private String newGeneration(long id, int generation) {
    revoked(new SessionsEnded(id, null, generation, false));
    return tokens.issue(id, generation);
  }

  private Future<Done> delete(DeleteUser req) {
    long id = req.caller().userId();
    return existingUser(id).compose(u -> repo.deleteUser(id).map(Done.DONE))
        .onSuccess(done -> {
          bus.publish(UserApi.USER_DELETED, new UserDeleted(id));
          revoked(new SessionsEnded(id, null, null, true));
          LOG.info("user {} deleted", id);
        });
  }

  // ---- friends ----

  private Future<Users> friends(ListFriends req) {
    return repo.friends(req.caller().userId()).map(Users::new);
  }

  /** The original's checks, in its order: empty name, unknown user, yourself, already friends. */
  private Future<UserInfo> addFriend(AddFriend req) {
    long userId = req.caller().userId();
    String targetName = req.targetName();
    if (targetName.isEmpty()) {
      return Refusal.FRIEND_NAME_EMPTY.fail();
    }
    return callerAccount(userId).compose(me -> repo.findUserByName(targetName)).compose(found -> {
      if (found.isEmpty()) {
        return Refusal.FRIEND_NOT_FOUND.fail();
      }
      long targetId = found.get().id();
      if (targetId == userId) {
        return Refusal.CANNOT_ADD_SELF.fail();
      }
      return repo.hasContact(userId, UserRepository.FRIEND, targetId)
          .compose(exists -> exists
              ? Refusal.ALREADY_FRIENDS.<Void>fail()
              : repo.addFriends(userId, targetId))
          .recover(err -> SqlErrors.isDuplicate(err)
              ? Refusal.ALREADY_FRIENDS.fail() : Future.failedFuture(err))
          .map(v -> found.get());
    });
  }

  // ---- groups ----

  private Future<GroupInfo> createGroup(CreateGroup req) {
    long ownerId = req.caller().userId();
    String name = req.name();
    String img = req.img();
    String desc = req.desc();
    if (name.isEmpty()) {
      return Refusal.GROUP_NAME_EMPTY.fail();
    }
    Optional<String> bad = AccountRules.text("name", name, AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("icon", img, AccountRules.URL_MAX))
        .or(() -> AccountRules.text("desc", desc, AccountRules.DESC_MAX))
        .or(() -> mediaUrls.problem("icon", img));
    if (bad.isPresent()) {
      return Refusal.INVALID.fail(bad.get());
    }
    return callerAccount(ownerId)
        .compose(owner -> repo.findGroupByName(name))
        .compose(existing -> existing.isPresent()
            ? Refusal.GROUP_NAME_TAKEN.<GroupInfo>fail()
            : repo.insertGroup(ownerId, name, img, desc, req.historyVisible()))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Refusal.GROUP_NAME_TAKEN.fail() : Future.failedFuture(err))
        .onSuccess(g -> {
          announceChange(g.id());
          LOG.info("group {} '{}' created by user {}", g.id(), name, ownerId);
        });
  }

  private Future<Groups> groupsOfUser(MyGroups req) {
    return repo.groupsOf(req.caller().userId()).map(Groups::new);
  }

  /** {@code group} is a group id or name; an all-digit value is tried as an id first. */
  private Future<GroupInfo> joinGroup(JoinGroup req) {
    long userId = req.caller().userId();
    String ref = req.group().trim();
    if (ref.isEmpty()) {
      return Refusal.GROUP_NOT_FOUND.fail();
    }
    Future<Optional<GroupInfo>> lookup = callerAccount(userId).compose(me -> ref.matches("\\d{1,18}")
        ? repo.findGroupById(Long.parseLong(ref)).compose(g -> g.isPresent() ? Future.succeededFuture(g)
            : repo.findGroupByName(ref))
        : repo.findGroupByName(ref));
    return lookup.compose(found -> {
      if (found.isEmpty()) {
        return Refusal.GROUP_NOT_FOUND.fail();
      }
      long groupId = found.get().id();
      return repo.hasContact(userId, UserRepository.MEMBER, groupId)
          .compose(member -> member
              ? Refusal.ALREADY_MEMBER.<Void>fail()
              : repo.memberCount(groupId).compose(n -> n >= maxGroupMembers
                  ? Refusal.GROUP_FULL.fail(maxGroupMembers)
                  : repo.addMember(userId, groupId)))
          .recover(err -> SqlErrors.isDuplicate(err)
              ? Refusal.ALREADY_MEMBER.fail() : Future.failedFuture(err))
          .map(v -> found.get())
          .onSuccess(g -> {
            announceChange(groupId);
            LOG.info("user {} joined group {}", userId, groupId);
          });
    });
  }

  /** Who may read what of a group (join points of 0 left out). */
  private Future<GroupMembers> members(GroupMembersQuery req) {
    long groupId = req.groupId();
    return existingGroup(groupId).compose(g -> repo.members(groupId)
        .map(m -> new GroupMembers(groupId, g.ownerId(), g.historyVisible(), m.ids(), m.joinedAtSeq())));
  }

  /** The owner's settings of a group; only {@code historyVisible} so far. Anyone else: 403. */
  private Future<GroupInfo> updateGroup(UpdateGroup req) {
    long userId = req.caller().userId();
    long groupId = req.groupId();
    boolean visible = req.historyVisible();
    return callerAccount(userId)
        .compose(me -> existingGroup(groupId))
        .compose(g -> g.ownerId() == userId ? repo.setHistoryVisible(groupId, visible)
            : Refusal.NOT_GROUP_OWNER.<Void>fail())
        .compose(v -> existingGroup(groupId))
        .onSuccess(g -> {
          announceChange(groupId);
          LOG.info("group {}: history of before joining {} by its owner", groupId, visible ? "shared" : "not shared");
        });
  }

  // ---- helpers ----

  /** Caches (the router's) drop what they hold of the group: members, join points, settings. */
  private void announceChange(long groupId) {
    bus.publish(UserApi.GROUP_CHANGED, new GroupChanged(groupId));
  }

  private Future<GroupInfo> existingGroup(long groupId) {
    return repo.findGroupById(groupId).compose(g -> g.isPresent() ? Future.succeededFuture(g.get())
        : Refusal.GROUP_NOT_FOUND.fail());
  }

  /**
   * The caller's own account; 401 once it is deleted. Its tokens stay well signed until they expire
   * (ending them early is the edge's job), and a peer still holding one must not leave memberships,
   * friendships or groups of a user who no longer exists.
   */
  private Future<UserInfo> callerAccount(long userId) {
    return repo.findUserById(userId).compose(u -> u.isPresent() ? Future.succeededFuture(u.get())
        : Refusal.CALLER_UNKNOWN.fail());
  }

  private Future<UserInfo> existingUser(long id) {
    return repo.findUserById(id).compose(u -> u.isPresent() ? Future.succeededFuture(u.get())
        : Refusal.USER_NOT_FOUND.fail());
  }

  private Future<Void> nameFreeFor(long id, String name) {
    if (name == null) {
      return Future.succeededFuture();
    }
    return repo.findUserByName(name).compose(other -> other.isPresent() && other.get().id() != id
        ? Refusal.NAME_TAKEN.fail() : Future.succeededFuture());
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
