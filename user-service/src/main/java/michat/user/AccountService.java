package michat.user;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import michat.auth.CallerCheck;
import michat.auth.Session;
import michat.auth.SessionTokens;
import michat.contract.Done;
import michat.contract.Refusal;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.*;
import michat.contract.v1.ServiceApi;
import michat.model.MediaUrls;
import michat.storage.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts and sessions: registration, login, logout, profile and password changes, deletion. The
 * original's order of checks and messages (as refusals); passwords hashed and checked in the
 * {@link PasswordQueue}, guesses throttled by {@link AccountThrottle}; every ended session announced.
 */
final class AccountService {
  private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);

  /** The client address of v1 service logins: what their failures are throttled by. */
  static final String SERVICE_ADDRESS = "event-bus";

  private final ServiceBus bus;
  private final UserRepository repo;
  private final Lookups lookups;
  private final PasswordQueue passwords;
  private final AccountThrottle throttle;
  private final SessionTokens tokens;
  private final CallerCheck callers;
  private final MediaUrls mediaUrls;
  /** Checked when a login names no account, so that it takes as long as a wrong password. */
  private final String unmatchableHash;

  AccountService(ServiceBus bus, UserRepository repo, Lookups lookups, PasswordQueue passwords,
                 AccountThrottle throttle, SessionTokens tokens, CallerCheck callers, MediaUrls mediaUrls,
                 String unmatchableHash) {
    this.bus = bus;
    this.repo = repo;
    this.lookups = lookups;
    this.passwords = passwords;
    this.throttle = throttle;
    this.tokens = tokens;
    this.callers = callers;
    this.mediaUrls = mediaUrls;
    this.unmatchableHash = unmatchableHash;
  }

  Future<Health> health(HealthCheck req) {
    return repo.ping().map(v -> new Health("up"));
  }

  /** The original's order of checks: empty fields, name taken, passwords differ. */
  Future<UserInfo> register(Register req) {
    String name = req.name();
    String password = req.password();
    String confirm = req.confirm();
    if (name.isEmpty() || password.isEmpty() || confirm.isEmpty()) {
      return Refusal.FIELDS_EMPTY.fail();
    }
    Optional<ReplyException> bad = AccountRules.text("name", name, AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("password", password, AccountRules.PASSWORD_MAX));
    if (bad.isPresent()) {
      return Future.failedFuture(bad.get());
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
          .onSuccess(this::announce);
    });
  }

  /** Other services (a greeter, an indexer) hear of every new account, once it is stored. */
  private void announce(UserInfo u) {
    LOG.info("user {} registered as id {}", u.name(), u.id());
    bus.publish(ServiceApi.USER_REGISTERED, new ServiceApi.UserRegistered(u.id(), u.name(), u.createdAt()));
  }

  /**
   * A service account's login over the event bus ({@link ServiceApi#LOGIN}): the same check, throttle
   * and session as a person's, with the event bus as its address (so one service's failures lock out
   * neither people nor other addresses).
   */
  Future<ServiceApi.ServiceSession> serviceLogin(ServiceApi.ServiceLogin req) {
    return login(new Login(req.name(), req.password(), SERVICE_ADDRESS, "0", "michat.v1 service"))
        .map(in -> new ServiceApi.ServiceSession(in.user().id(), in.user().name(), in.token()));
  }

  Future<LoggedIn> login(Login req) {
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
  Future<Done> logout(Logout req) {
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

  Future<SessionState> sessionState(SessionStateQuery req) {
    return repo.sessionState(req.userId());
  }

  /** Tells every token verifier and chat gateway, on every node, that sessions ended. */
  private void revoked(SessionsEnded event) {
    bus.publish(UserApi.SESSIONS_ENDED, event);
  }

  Future<Users> list(ListUsers req) {
    return repo.listUsers().map(Users::new);
  }

  Future<UserInfo> find(FindUser req) {
    return lookups.user(req.id());
  }

  /**
   * Changes the caller's given fields; empty ones stay as they are (the original's behaviour).
   * A new name must be free. A new password needs the current one ({@code currentPassword}); it is
   * hashed, ends every session of the user (a new generation) and comes back with a fresh token for
   * the caller (null when the password did not change).
   */
  Future<Updated> update(UpdateUser req) {
    long id = req.caller().userId();
    Map<String, String> fields = new LinkedHashMap<>();   // column -> new value
    putIfGiven(fields, "name", req.name());
    putIfGiven(fields, "phone", req.phone());
    putIfGiven(fields, "email", req.email());
    putIfGiven(fields, "avatar", req.avatar());
    String password = req.password();
    Optional<ReplyException> bad = AccountRules.text("name", req.name(), AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("password", password, AccountRules.PASSWORD_MAX))
        .or(() -> AccountRules.text("icon", req.avatar(), AccountRules.URL_MAX))
        .or(() -> AccountRules.mediaUrl(mediaUrls, "icon", req.avatar()));
    if (bad.isPresent()) {
      return Future.failedFuture(bad.get());
    }
    if (!AccountRules.validPhone(req.phone()) || !AccountRules.validEmail(req.email())) {
      return Refusal.PROFILE_INVALID.fail();
    }
    String current = req.currentPassword();
    String clientIp = req.clientIp();
    if (!password.isEmpty() && current.isEmpty()) {
      return Refusal.CURRENT_PASSWORD_REQUIRED.fail();
    }
    return lookups.user(id)
        .compose(u -> password.isEmpty() ? Future.succeededFuture()
            : currentPasswordOf(u.name(), current, clientIp))
        .compose(v -> nameFreeFor(id, fields.get("name")))
        .compose(v -> password.isEmpty() ? Future.<String>succeededFuture(null) : passwords.hash(clientIp, password))
        .compose(h -> repo.updateUser(id, fields, h))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Refusal.NAME_TAKEN.fail() : Future.failedFuture(err))
        .map(generation -> password.isEmpty() ? null : newGeneration(id, generation))
        .compose(token -> lookups.user(id).map(u -> new Updated(u, token)))
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

  Future<Done> delete(DeleteUser req) {
    long id = req.caller().userId();
    return lookups.user(id).compose(u -> repo.deleteUser(id).map(Done.DONE))
        .onSuccess(done -> {
          bus.publish(UserApi.USER_DELETED, new UserDeleted(id));
          revoked(new SessionsEnded(id, null, null, true));
          LOG.info("user {} deleted", id);
        });
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
