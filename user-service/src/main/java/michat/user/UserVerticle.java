package michat.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MediaUrlSettings;
import michat.config.MichatConfig;
import michat.model.Addresses;
import michat.model.Failures;
import michat.model.MediaUrls;
import michat.model.SeedJson;
import michat.model.SeedMessages;
import michat.model.ServiceConsumers;
import michat.storage.Database;
import michat.storage.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * user-service: owns accounts, friends and groups. Answers requests on the {@code michat.user.*},
 * {@code michat.contact.*} and {@code michat.group.*} addresses of {@link Addresses}. Callers pass the
 * authenticated user id; the web layer has already checked that the caller may act for it.
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
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

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
        Addresses.ACCOUNT_REQUEST_TIMEOUT_MS));
    throttle = throttle(cfg);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> throttle.sweep(System.currentTimeMillis()));
    tokens = new SessionTokens(vertx, cfg);
    maxGroupMembers = cfg.integer(ConfigKeys.GROUP_MAX_MEMBERS, 2, 1_000_000);
    mediaUrls = MediaUrlSettings.from(cfg);

    serve(Addresses.USER_HEALTH, this::health);
    serve(Addresses.USER_REGISTER, this::register);
    serve(Addresses.USER_LOGIN, this::login);
    serve(Addresses.USER_LIST, this::list);
    serve(Addresses.USER_FIND, this::find);
    serve(Addresses.USER_UPDATE, this::update);
    serve(Addresses.USER_DELETE, this::delete);
    serve(Addresses.USER_LOGOUT, this::logout);
    serve(Addresses.USER_SESSION_STATE, this::sessionState);
    serve(Addresses.FRIEND_LIST, this::friends);
    serve(Addresses.FRIEND_ADD, this::addFriend);
    serve(Addresses.GROUP_CREATE, this::createGroup);
    serve(Addresses.GROUP_LIST_FOR_USER, this::groupsOfUser);
    serve(Addresses.GROUP_JOIN, this::joinGroup);
    serve(Addresses.GROUP_MEMBERS, this::members);
    serve(Addresses.GROUP_UPDATE, this::updateGroup);
    if (!cfg.string(ConfigKeys.BENCH_SEED_SECRET).isEmpty()) {
      serve(Addresses.USER_BENCH_SEED, req -> new BenchSeed(vertx, repo, passwords, tokens).seed(req));
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

  private void serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(ServiceConsumers.serve(vertx, address, handler, LOG));
  }

  // ---- accounts ----

  private Future<JsonObject> health(JsonObject req) {
    return repo.ping().map(v -> new JsonObject().put("storage", "up"));
  }

  /** The seed's order of checks: empty fields, name taken, passwords differ. */
  private Future<JsonObject> register(JsonObject req) {
    String name = req.getString("name", "");
    String password = req.getString("password", "");
    String confirm = req.getString("confirm", "");
    if (name.isEmpty() || password.isEmpty() || confirm.isEmpty()) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.NAME_OR_PASSWORD_EMPTY);
    }
    Optional<String> bad = AccountRules.text("name", name, AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("password", password, AccountRules.PASSWORD_MAX));
    if (bad.isPresent()) {
      return Failures.fail(Failures.BAD_REQUEST, bad.get());
    }
    String clientIp = req.getString("clientIp", "");
    // "Name taken" tells which names exist: refusals count against the address like failed logins.
    return throttle.registration(clientIp).compose(attempt -> createUser(name, password, confirm, clientIp)
        .andThen(attempt::settle));
  }

  private Future<JsonObject> createUser(String name, String password, String confirm, String clientIp) {
    return repo.findUserByName(name).compose(existing -> {
      if (existing.isPresent()) {
        return Failures.fail(Failures.CONFLICT, SeedMessages.NAME_TAKEN);
      }
      if (!password.equals(confirm)) {
        return Failures.fail(Failures.BAD_REQUEST, SeedMessages.PASSWORDS_DIFFER);
      }
      return passwords.hash(clientIp, password).compose(h -> repo.insertUser(name, h))
          .recover(err -> SqlErrors.isDuplicate(err)
              ? Failures.fail(Failures.CONFLICT, SeedMessages.NAME_TAKEN) : Future.failedFuture(err))
          .onSuccess(u -> LOG.info("user {} registered as id {}", name, u.getLong(SeedJson.ID)));
    });
  }

  private Future<JsonObject> login(JsonObject req) {
    String name = req.getString("name", "");
    String password = req.getString("password", "");
    if (name.isEmpty() || password.isEmpty()) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.NAME_OR_PASSWORD_EMPTY);
    }
    String clientIp = req.getString("clientIp", "");
    return throttle.login(name, clientIp)
        .compose(attempt -> checkPassword(name, password, clientIp).andThen(attempt::settle))
        .compose(c -> repo.recordLogin(c.id(), clientIp, req.getString("clientPort", ""),
                truncate(req.getString("deviceInfo", ""), 255))
            .compose(v -> repo.findUserById(c.id()))
            .map(u -> new JsonObject().put("user", u.orElseThrow()).put("token", tokens.issue(c.id(), c.tokenGeneration()))));
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
            : Failures.fail(Failures.UNAUTHORIZED, SeedMessages.LOGIN_FAILED)));
  }

  /** Ends one session early; every verifier hears of it at once (and asks again within a minute anyway). */
  private Future<JsonObject> logout(JsonObject req) {
    long userId = req.getLong("userId");
    String sessionId = req.getString("sessionId", "");
    long expiresAt = req.getLong("expiresAt");
    if (sessionId.isEmpty()) {
      return Failures.fail(Failures.BAD_REQUEST, "sessionId is required");
    }
    return repo.revokeSession(userId, sessionId, LocalDateTime.ofEpochSecond(expiresAt, 0, ZoneOffset.UTC))
        .map(v -> {
          revoked(new JsonObject().put("userId", userId).put("sessionId", sessionId));
          LOG.info("user {} logged out (session {})", userId, sessionId);
          return new JsonObject();
        });
  }

  private Future<JsonObject> sessionState(JsonObject req) {
    return repo.sessionState(req.getLong("userId")).map(state -> new JsonObject()
        .put("exists", state.exists()).put("generation", state.generation())
        .put("revoked", new JsonArray(state.revoked())));
  }

  /** Tells every token verifier and chat gateway, on every node, that sessions ended. */
  private void revoked(JsonObject event) {
    vertx.eventBus().publish(Addresses.SESSION_REVOKED, event);
  }

  private Future<JsonObject> list(JsonObject req) {
    return repo.listUsers().map(users -> new JsonObject().put("users", users));
  }

  private Future<JsonObject> find(JsonObject req) {
    return existingUser(req.getLong("id"));
  }

  /**
   * Changes the given fields; absent or empty ones stay as they are (the seed's behaviour).
   * A new name must be free. A new password needs the current one ({@code currentPassword}); it is
   * hashed, ends every session of the user (a new generation) and comes back with a fresh token for
   * the caller: reply {user, token (null when the password did not change)}.
   */
  private Future<JsonObject> update(JsonObject req) {
    long id = req.getLong("id");
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : UserRepository.UPDATABLE.keySet()) {
      String v = req.getString(field, "");
      if (!v.isEmpty()) {
        fields.put(field, v);
      }
    }
    String password = req.getString("password", "");
    Optional<String> bad = AccountRules.text("name", fields.getOrDefault(SeedJson.NAME, ""), AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("password", password, AccountRules.PASSWORD_MAX))
        .or(() -> AccountRules.text("icon", fields.getOrDefault(SeedJson.AVATAR, ""), AccountRules.URL_MAX))
        .or(() -> mediaUrls.problem("icon", fields.getOrDefault(SeedJson.AVATAR, "")));
    if (bad.isPresent()) {
      return Failures.fail(Failures.BAD_REQUEST, bad.get());
    }
    if (!AccountRules.validPhone(fields.getOrDefault(SeedJson.PHONE, ""))
        || !AccountRules.validEmail(fields.getOrDefault(SeedJson.EMAIL, ""))) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.UPDATE_INVALID);
    }
    String current = req.getString("currentPassword", "");
    String clientIp = req.getString("clientIp", "user-" + id);
    if (!password.isEmpty() && current.isEmpty()) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.CURRENT_PASSWORD_REQUIRED);
    }
    return existingUser(id)
        .compose(u -> password.isEmpty() ? Future.succeededFuture()
            : currentPasswordOf(u.getString(SeedJson.NAME), current, clientIp))
        .compose(v -> nameFreeFor(id, fields.get(SeedJson.NAME)))
        .compose(v -> password.isEmpty() ? Future.<String>succeededFuture(null) : passwords.hash(clientIp, password))
        .compose(h -> repo.updateUser(id, fields, h))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Failures.fail(Failures.CONFLICT, SeedMessages.NAME_TAKEN) : Future.failedFuture(err))
        .map(generation -> password.isEmpty() ? null : newGeneration(id, generation))
        .compose(token -> existingUser(id).map(u -> new JsonObject().put("user", u).put("token", token)))
        .onSuccess(u -> LOG.info("user {} updated {}{}", id, fields.keySet(), password.isEmpty() ? "" : " and password"));
  }

  /**
   * Fails with 403 unless {@code password} is the user's current one. Throttled like a login of the
   * account: a stolen session must not become a way to guess the password.
   */
  private Future<Void> currentPasswordOf(String name, String password, String clientIp) {
    return throttle.login(name, clientIp)
        .compose(attempt -> checkPassword(name, password, clientIp).andThen(attempt::settle))
        .<Void>mapEmpty()
        .recover(err -> Failures.codeOf(err) == Failures.UNAUTHORIZED
            ? Failures.fail(Failures.FORBIDDEN, SeedMessages.CURRENT_PASSWORD_WRONG) : Future.failedFuture(err));
  }

  /** After a password change: every older session ends everywhere; the caller's continues with a new token. */
  private String newGeneration(long id, int generation) {
    revoked(new JsonObject().put("userId", id).put("generation", generation));
    return tokens.issue(id, generation);
  }

  private Future<JsonObject> delete(JsonObject req) {
    long id = req.getLong("id");
    return existingUser(id).compose(u -> repo.deleteUser(id).map(u))
        .onSuccess(u -> {
          vertx.eventBus().publish(Addresses.USER_DELETED, new JsonObject().put("id", id));
          revoked(new JsonObject().put("userId", id).put("deleted", true));
          LOG.info("user {} deleted", id);
        });
  }

  // ---- friends ----

  private Future<JsonObject> friends(JsonObject req) {
    return repo.friends(req.getLong("userId")).map(users -> new JsonObject().put("users", users));
  }

  /** The seed's checks, in its order: empty name, unknown user, yourself, already friends. */
  private Future<JsonObject> addFriend(JsonObject req) {
    long userId = req.getLong("userId");
    String targetName = req.getString("targetName", "");
    if (targetName.isEmpty()) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.FRIEND_NAME_EMPTY);
    }
    return repo.findUserByName(targetName).compose(found -> {
      if (found.isEmpty()) {
        return Failures.fail(Failures.NOT_FOUND, SeedMessages.FRIEND_NOT_FOUND);
      }
      long targetId = found.get().getLong(SeedJson.ID);
      if (targetId == userId) {
        return Failures.fail(Failures.BAD_REQUEST, SeedMessages.CANNOT_ADD_SELF);
      }
      return repo.hasContact(userId, UserRepository.FRIEND, targetId)
          .compose(exists -> exists
              ? Failures.<Void>fail(Failures.CONFLICT, SeedMessages.ALREADY_FRIENDS)
              : repo.addFriends(userId, targetId))
          .recover(err -> SqlErrors.isDuplicate(err)
              ? Failures.fail(Failures.CONFLICT, SeedMessages.ALREADY_FRIENDS) : Future.failedFuture(err))
          .map(v -> found.get());
    });
  }

  // ---- groups ----

  private Future<JsonObject> createGroup(JsonObject req) {
    long ownerId = req.getLong("ownerId");
    String name = req.getString("name", "");
    String img = req.getString("img", "");
    String desc = req.getString("desc", "");
    if (name.isEmpty()) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.GROUP_NAME_EMPTY);
    }
    Optional<String> bad = AccountRules.text("name", name, AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("icon", img, AccountRules.URL_MAX))
        .or(() -> AccountRules.text("desc", desc, AccountRules.DESC_MAX))
        .or(() -> mediaUrls.problem("icon", img));
    if (bad.isPresent()) {
      return Failures.fail(Failures.BAD_REQUEST, bad.get());
    }
    return repo.findUserById(ownerId)
        .compose(owner -> owner.isPresent() ? repo.findGroupByName(name)
            : Failures.fail(Failures.UNAUTHORIZED, SeedMessages.PLEASE_LOG_IN))
        .compose(existing -> existing.isPresent()
            ? Failures.<JsonObject>fail(Failures.CONFLICT, SeedMessages.GROUP_NAME_TAKEN)
            : repo.insertGroup(ownerId, name, img, desc, req.getBoolean("historyVisible", false)))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Failures.fail(Failures.CONFLICT, SeedMessages.GROUP_NAME_TAKEN) : Future.failedFuture(err))
        .onSuccess(g -> {
          announceChange(g.getLong(SeedJson.ID));
          LOG.info("group {} '{}' created by user {}", g.getLong(SeedJson.ID), name, ownerId);
        });
  }

  private Future<JsonObject> groupsOfUser(JsonObject req) {
    return repo.groupsOf(req.getLong("userId")).map(groups -> new JsonObject().put("groups", groups));
  }

  /** {@code group} is a group id or name; an all-digit value is tried as an id first. */
  private Future<JsonObject> joinGroup(JsonObject req) {
    long userId = req.getLong("userId");
    String ref = req.getString("group", "").trim();
    if (ref.isEmpty()) {
      return Failures.fail(Failures.NOT_FOUND, SeedMessages.GROUP_NOT_FOUND);
    }
    Future<Optional<JsonObject>> lookup = ref.matches("\\d{1,18}")
        ? repo.findGroupById(Long.parseLong(ref)).compose(g -> g.isPresent() ? Future.succeededFuture(g)
            : repo.findGroupByName(ref))
        : repo.findGroupByName(ref);
    return lookup.compose(found -> {
      if (found.isEmpty()) {
        return Failures.fail(Failures.NOT_FOUND, SeedMessages.GROUP_NOT_FOUND);
      }
      long groupId = found.get().getLong(SeedJson.ID);
      return repo.hasContact(userId, UserRepository.MEMBER, groupId)
          .compose(member -> member
              ? Failures.<Void>fail(Failures.CONFLICT, SeedMessages.ALREADY_MEMBER)
              : repo.memberCount(groupId).compose(n -> n >= maxGroupMembers
                  ? Failures.fail(Failures.CONFLICT, SeedMessages.GROUP_FULL + " (" + maxGroupMembers + ")")
                  : repo.addMember(userId, groupId)))
          .recover(err -> SqlErrors.isDuplicate(err)
              ? Failures.fail(Failures.CONFLICT, SeedMessages.ALREADY_MEMBER) : Future.failedFuture(err))
          .map(v -> found.get())
          .onSuccess(g -> {
            announceChange(groupId);
            LOG.info("user {} joined group {}", userId, groupId);
          });
    });
  }

  /**
   * Who may read what of a group: {@code {groupId, ownerId, historyVisible, members: [id…],
   * joinedAtSeq: {"id": seq}}} (join points of 0 left out).
   */
  private Future<JsonObject> members(JsonObject req) {
    long groupId = req.getLong("groupId");
    return existingGroup(groupId)
        .compose(g -> repo.members(groupId).map(m -> m.put("groupId", groupId)
            .put(SeedJson.OWNER_ID, g.getLong(SeedJson.OWNER_ID))
            .put(SeedJson.HISTORY_VISIBLE, g.getBoolean(SeedJson.HISTORY_VISIBLE))));
  }

  /** The owner's settings of a group; only {@code historyVisible} so far. Anyone else: 403. */
  private Future<JsonObject> updateGroup(JsonObject req) {
    long userId = req.getLong("userId");
    long groupId = req.getLong("groupId");
    boolean visible = req.getBoolean("historyVisible");
    return existingGroup(groupId)
        .compose(g -> g.getLong(SeedJson.OWNER_ID) == userId ? repo.setHistoryVisible(groupId, visible)
            : Failures.<Void>fail(Failures.FORBIDDEN, SeedMessages.NOT_GROUP_OWNER))
        .compose(v -> existingGroup(groupId))
        .onSuccess(g -> {
          announceChange(groupId);
          LOG.info("group {}: history of before joining {} by its owner", groupId, visible ? "shared" : "not shared");
        });
  }

  // ---- helpers ----

  /** Caches (the router's) drop what they hold of the group: members, join points, settings. */
  private void announceChange(long groupId) {
    vertx.eventBus().publish(Addresses.GROUP_CHANGED, new JsonObject().put("groupId", groupId));
  }

  private Future<JsonObject> existingGroup(long groupId) {
    return repo.findGroupById(groupId).compose(g -> g.isPresent() ? Future.succeededFuture(g.get())
        : Failures.fail(Failures.NOT_FOUND, SeedMessages.GROUP_NOT_FOUND));
  }

  private Future<JsonObject> existingUser(Long id) {
    if (id == null) {
      return Failures.fail(Failures.BAD_REQUEST, "id is required");
    }
    return repo.findUserById(id).compose(u -> u.isPresent() ? Future.succeededFuture(u.get())
        : Failures.fail(Failures.NOT_FOUND, SeedMessages.USER_NOT_FOUND));
  }

  private Future<Void> nameFreeFor(long id, String name) {
    if (name == null) {
      return Future.succeededFuture();
    }
    return repo.findUserByName(name).compose(other -> other.isPresent() && other.get().getLong(SeedJson.ID) != id
        ? Failures.fail(Failures.CONFLICT, SeedMessages.NAME_TAKEN) : Future.succeededFuture());
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
