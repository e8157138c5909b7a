package michat.user;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.model.Addresses;
import michat.model.Failures;
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
  private PasswordHasher hasher;
  private PasswordQueue passwords;
  private AccountThrottle throttle;
  /** Checked when a login names no account, so that it takes as long as a wrong password. */
  private String unmatchableHash;
  private long sweepTimer = -1;
  private SessionTokens tokens;
  private int maxGroupMembers;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    pool = new Database(cfg).pool(vertx);
    repo = new UserRepository(pool);
    hasher = new PasswordHasher(cfg.integer(ConfigKeys.PASSWORD_ITERATIONS, 1_000, 10_000_000));
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

    serve(Addresses.USER_HEALTH, this::health);
    serve(Addresses.USER_REGISTER, this::register);
    serve(Addresses.USER_LOGIN, this::login);
    serve(Addresses.USER_LIST, this::list);
    serve(Addresses.USER_FIND, this::find);
    serve(Addresses.USER_UPDATE, this::update);
    serve(Addresses.USER_DELETE, this::delete);
    serve(Addresses.FRIEND_LIST, this::friends);
    serve(Addresses.FRIEND_ADD, this::addFriend);
    serve(Addresses.GROUP_CREATE, this::createGroup);
    serve(Addresses.GROUP_LIST_FOR_USER, this::groupsOfUser);
    serve(Addresses.GROUP_JOIN, this::joinGroup);
    serve(Addresses.GROUP_MEMBERS, this::members);
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
        .compose(id -> repo.recordLogin(id, clientIp, req.getString("clientPort", ""),
                truncate(req.getString("deviceInfo", ""), 255))
            .compose(v -> repo.findUserById(id))
            .map(u -> new JsonObject().put("user", u.orElseThrow()).put("token", tokens.issue(id))));
  }

  /**
   * The user's id when the password is theirs. An unknown name is checked against a hash no password
   * matches and answered like a wrong password: the same message in about the same time, so login
   * does not tell which names exist.
   */
  private Future<Long> checkPassword(String name, String password, String clientIp) {
    return repo.findCredentials(name).compose(found -> passwords
        .matches(clientIp, password, found.map(UserRepository.Credentials::passwordHash).orElse(unmatchableHash))
        .compose(ok -> ok && found.isPresent() ? Future.succeededFuture(found.get().id())
            : Failures.fail(Failures.UNAUTHORIZED, SeedMessages.LOGIN_FAILED)));
  }

  private Future<JsonObject> list(JsonObject req) {
    return repo.listUsers().map(users -> new JsonObject().put("users", users));
  }

  private Future<JsonObject> find(JsonObject req) {
    return existingUser(req.getLong("id"));
  }

  /**
   * Changes the given fields; absent or empty ones stay as they are (the seed's behaviour).
   * A new password is hashed; a new name must be free.
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
        .or(() -> AccountRules.text("icon", fields.getOrDefault(SeedJson.AVATAR, ""), AccountRules.URL_MAX));
    if (bad.isPresent()) {
      return Failures.fail(Failures.BAD_REQUEST, bad.get());
    }
    if (!AccountRules.validPhone(fields.getOrDefault(SeedJson.PHONE, ""))
        || !AccountRules.validEmail(fields.getOrDefault(SeedJson.EMAIL, ""))
        || !AccountRules.validImageUrl(fields.getOrDefault(SeedJson.AVATAR, ""))) {
      return Failures.fail(Failures.BAD_REQUEST, SeedMessages.UPDATE_INVALID);
    }
    return existingUser(id)
        .compose(current -> nameFreeFor(id, fields.get(SeedJson.NAME)))
        .compose(v -> password.isEmpty() ? Future.<String>succeededFuture(null)
            : passwords.hash(req.getString("clientIp", "user-" + id), password))
        .compose(h -> repo.updateUser(id, fields, h))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Failures.fail(Failures.CONFLICT, SeedMessages.NAME_TAKEN) : Future.failedFuture(err))
        .compose(v -> existingUser(id))
        .onSuccess(u -> LOG.info("user {} updated {}{}", id, fields.keySet(), password.isEmpty() ? "" : " and password"));
  }

  private Future<JsonObject> delete(JsonObject req) {
    long id = req.getLong("id");
    return existingUser(id).compose(u -> repo.deleteUser(id).map(u))
        .onSuccess(u -> {
          vertx.eventBus().publish(Addresses.USER_DELETED, new JsonObject().put("id", id));
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
        .or(() -> AccountRules.validImageUrl(img) ? Optional.empty()
            : Optional.of("icon must be an uploaded file (./asset/upload/...) or an http(s) URL"));
    if (bad.isPresent()) {
      return Failures.fail(Failures.BAD_REQUEST, bad.get());
    }
    return repo.findUserById(ownerId)
        .compose(owner -> owner.isPresent() ? repo.findGroupByName(name)
            : Failures.fail(Failures.UNAUTHORIZED, SeedMessages.PLEASE_LOG_IN))
        .compose(existing -> existing.isPresent()
            ? Failures.<JsonObject>fail(Failures.CONFLICT, SeedMessages.GROUP_NAME_TAKEN)
            : repo.insertGroup(ownerId, name, img, desc))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Failures.fail(Failures.CONFLICT, SeedMessages.GROUP_NAME_TAKEN) : Future.failedFuture(err))
        .onSuccess(g -> {
          announceJoin(g.getLong(SeedJson.ID), ownerId);
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
            announceJoin(groupId, userId);
            LOG.info("user {} joined group {}", userId, groupId);
          });
    });
  }

  private Future<JsonObject> members(JsonObject req) {
    long groupId = req.getLong("groupId");
    return repo.findGroupById(groupId)
        .compose(g -> g.isPresent() ? repo.memberIds(groupId)
            : Failures.fail(Failures.NOT_FOUND, SeedMessages.GROUP_NOT_FOUND))
        .map(ids -> new JsonObject().put("groupId", groupId).put("members", ids));
  }

  // ---- helpers ----

  /** Caches drop the group's member list; the router starts the member's cursor at the group's end. */
  private void announceJoin(long groupId, long userId) {
    JsonObject event = new JsonObject().put("groupId", groupId).put("userId", userId);
    vertx.eventBus().publish(Addresses.GROUP_CHANGED, event);
    vertx.eventBus().publish(Addresses.GROUP_MEMBER_JOINED, event);
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
