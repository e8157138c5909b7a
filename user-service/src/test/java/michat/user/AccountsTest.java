package michat.user;

import static michat.user.UserServiceHarness.freshIp;
import static michat.user.UserServiceHarness.login;
import static michat.user.UserServiceHarness.registration;
import static michat.user.UserServiceHarness.uniqueName;
import static michat.user.UserServiceHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import michat.auth.Session;
import michat.config.ConfigKeys;
import michat.contract.Refusal;
import michat.contract.UserApi;
import michat.contract.UserApi.SessionsEnded;
import michat.contract.UserApi.UserInfo;
import michat.contract.v1.ServiceApi;
import michat.model.Failures;
import michat.user.UserServiceHarness.Account;
import michat.user.UserServiceHarness.Events;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registration, login, profile updates, deletion and logout, with the seed's messages and order of checks. */
@ExtendWith(VertxExtension.class)
class AccountsTest {
  /** Failed logins of one name before it is locked; the lock outlasts the test. */
  private static final int FREE_FAILURES = 3;
  private static UserServiceHarness service;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    service = UserServiceHarness.start(vertx, Map.of(
        ConfigKeys.THROTTLE_ACCOUNT_FREE_FAILURES, FREE_FAILURES,
        ConfigKeys.THROTTLE_FIRST_LOCK_SECONDS, 600));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  // ---- register ----

  @Test
  void registerCreatesTheUserWithoutLoggingThemIn() {
    String name = uniqueName("new");
    UserInfo user = service.call(UserApi.REGISTER, registration(name, "secret", "secret", freshIp()));
    assertEquals(name, user.name());
    assertTrue(user.id() > 0);
    assertNull(user.loginTime(), "registering is not logging in");
    assertTrue(service.sessionState(user.id()).exists());
  }

  @Test
  void aRegistrationIsAnnouncedToOtherServicesOnceStoredAndARefusedOneIsNot() throws Exception {
    String name = uniqueName("announced");
    Events<ServiceApi.UserRegistered> registered = service.listen(ServiceApi.USER_REGISTERED);
    UserInfo user = service.call(UserApi.REGISTER, registration(name, "secret", "secret", freshIp()));
    assertEquals(new ServiceApi.UserRegistered(user.id(), name, user.createdAt()),
        registered.next(e -> e.name().equals(name)));
    service.assertRefused(Refusal.NAME_TAKEN, UserApi.REGISTER, registration(name, "other", "other", freshIp()));
    String other = uniqueName("other");
    service.call(UserApi.REGISTER, registration(other, "secret", "secret", freshIp()));
    // the next announcement is the next account's: the refused registration announced nothing
    assertEquals(other, registered.next(e -> true).name());
    registered.close();
  }

  @Test
  void aServiceLogsInOverTheBusAndItsSessionActsForItsAccountOnly() {
    Account bot = service.newAccount("bot");
    ServiceApi.ServiceSession session = service.call(ServiceApi.LOGIN,
        new ServiceApi.ServiceLogin(bot.name(), bot.password()));
    assertEquals(bot.id(), session.userId());
    assertEquals(bot.name(), session.name());
    assertEquals(bot.id(), service.session(session.token()).userId());
    assertFalse(session.toString().contains(session.token()), "a token is never logged");
    service.call(UserApi.MY_GROUPS, new UserApi.MyGroups(session.caller()));
    service.assertRefused(Refusal.LOGIN_FAILED, ServiceApi.LOGIN, new ServiceApi.ServiceLogin(bot.name(), "wrong"));
    service.assertRefused(400, "password is required", ServiceApi.LOGIN, new ServiceApi.ServiceLogin(bot.name(), null));
  }

  @Test
  void registerRefusesEmptyFieldsWithTheSeedMessage() {
    String ip = freshIp();
    String name = uniqueName("empty");
    service.assertRefused(Refusal.FIELDS_EMPTY, UserApi.REGISTER, registration("", "pw", "pw", ip));
    service.assertRefused(Refusal.FIELDS_EMPTY, UserApi.REGISTER, registration(name, "", "", ip));
    service.assertRefused(Refusal.FIELDS_EMPTY, UserApi.REGISTER, registration(name, "pw", "", ip));
    service.assertRefused(400, "confirm is required", UserApi.REGISTER, registration(name, "pw", null, ip));
    service.assertRefused(Refusal.LOGIN_FAILED, UserApi.LOGIN, login(name, "pw", ip));
  }

  @Test
  void aTakenNameIsCheckedBeforeThePasswordsAreCompared() {
    Account taken = service.newAccount("taken");
    service.assertRefused(Refusal.NAME_TAKEN, UserApi.REGISTER,
        registration(taken.name(), "other", "other", freshIp()));
    // The seed's order: name taken wins over passwords that differ.
    service.assertRefused(Refusal.NAME_TAKEN, UserApi.REGISTER,
        registration(taken.name(), "one", "two", freshIp()));
    service.loginAgain(taken);   // the account keeps its password
  }

  @Test
  void registerRefusesPasswordsThatDiffer() {
    String name = uniqueName("differ");
    service.assertRefused(Refusal.PASSWORDS_DIFFER, UserApi.REGISTER,
        registration(name, "one", "two", freshIp()));
    service.assertRefused(Refusal.LOGIN_FAILED, UserApi.LOGIN, login(name, "one", freshIp()));
  }

  @Test
  void registerBoundsNameAndPasswordLengths() {
    String ip = freshIp();
    String longName = "n".repeat(AccountRules.NAME_MAX + 1);
    service.assertRefused(Refusal.TEXT_TOO_LONG, "name 64", UserApi.REGISTER,
        registration(longName, "pw", "pw", ip));
    String longPassword = "p".repeat(AccountRules.PASSWORD_MAX + 1);
    service.assertRefused(Refusal.TEXT_TOO_LONG, "password 128", UserApi.REGISTER,
        registration(uniqueName("long"), longPassword, longPassword, ip));
    // At the bounds, counted in characters (not UTF-8 bytes): accepted. A unique name of exactly 64.
    String maxName = uniqueName("长").concat("名".repeat(AccountRules.NAME_MAX)).substring(0, AccountRules.NAME_MAX);
    String maxPassword = "密".repeat(AccountRules.PASSWORD_MAX);
    assertEquals(maxName, service.call(UserApi.REGISTER, registration(maxName, maxPassword, maxPassword, ip)).name());
    service.call(UserApi.LOGIN, login(maxName, maxPassword, ip));
  }

  // ---- login ----

  @Test
  void loginIssuesATokenOfTheUsersCurrentGeneration() {
    Account a = service.newAccount("login");
    Session s = service.session(a.caller().token());
    assertEquals(a.id(), s.userId());
    assertEquals(0, s.generation());
    UserApi.LoggedIn again = service.call(UserApi.LOGIN, login(a.name(), a.password(), "10.9.8.7"));
    assertEquals("10.9.8.7", again.user().clientIp(), "the login is recorded");
    assertEquals("unit test", again.user().deviceInfo());
    assertNotEquals(s.id(), service.session(again.token()).id(), "every login is a session of its own");
  }

  @Test
  void aWrongPasswordAndAnUnknownNameAreAnsweredAlike() {
    Account a = service.newAccount("alike");
    UserServiceHarness.Refused wrong = service.refusal(UserApi.LOGIN, login(a.name(), "not it", a.ip()));
    UserServiceHarness.Refused unknown = service.refusal(UserApi.LOGIN, login(uniqueName("nobody"), "x", a.ip()));
    assertEquals(UserServiceHarness.Refused.of(Refusal.LOGIN_FAILED), wrong);
    assertEquals(wrong, unknown, "login must not tell which names exist");
  }

  @Test
  void anAccountIsLockedAfterItsFreeFailuresEvenForTheRightPassword() {
    Account a = service.newAccount("guessed");
    for (int i = 0; i < FREE_FAILURES; i++) {
      // Each guess from another address: the account's own count locks it.
      service.assertRefused(Refusal.LOGIN_FAILED, UserApi.LOGIN, login(a.name(), "guess " + i, freshIp()));
    }
    UserServiceHarness.Refused locked = service.refusal(UserApi.LOGIN, login(a.name(), a.password(), freshIp()));
    assertEquals(Failures.TOO_MANY, locked.code());
    assertTrue(locked.message().startsWith(Refusal.TOO_MANY_ATTEMPTS.key() + ": "), locked.message());
    // Another account from the same addresses is not affected.
    service.loginAgain(service.newAccount("bystander"));
  }

  // ---- update ----

  @Test
  void updateChangesOnlyTheGivenFields() {
    Account a = service.newAccount("profile");
    String newName = uniqueName("renamed");
    UserApi.Updated u = service.call(UserApi.UPDATE, update(a, newName, "", "", "13912345678", "a@example.com"));
    assertEquals(newName, u.user().name());
    assertEquals("13912345678", u.user().phone());
    assertEquals("a@example.com", u.user().email());
    assertNull(u.token(), "no new token without a new password");
    UserApi.Updated again = service.call(UserApi.UPDATE, update(a, "", "", "", "", "b@example.com"));
    assertEquals(newName, again.user().name(), "an empty field stays as it is");
    assertEquals("13912345678", again.user().phone());
    assertEquals("b@example.com", again.user().email());
    assertEquals(0, service.sessionState(a.id()).generation(), "sessions go on");
  }

  @Test
  void updateRefusesANameTakenByAnotherUser() {
    Account a = service.newAccount("keeps");
    Account other = service.newAccount("owner");
    service.assertRefused(Refusal.NAME_TAKEN, UserApi.UPDATE, update(a, other.name(), "", "", "", ""));
    assertEquals(a.name(), service.call(UserApi.FIND, new UserApi.FindUser(a.caller(), a.id())).name());
    // Its own name is not "taken".
    assertEquals(a.name(), service.call(UserApi.UPDATE, update(a, a.name(), "", "", "", "")).user().name());
  }

  @Test
  void updateRefusesAnInvalidPhoneOrEmail() {
    Account a = service.newAccount("contact");
    service.assertRefused(Refusal.PROFILE_INVALID, UserApi.UPDATE, update(a, "", "", "", "12345", ""));
    service.assertRefused(Refusal.PROFILE_INVALID, UserApi.UPDATE, update(a, "", "", "", "", "no-at-sign"));
    service.assertRefused(Refusal.PROFILE_INVALID, UserApi.UPDATE,
        update(a, uniqueName("not-applied"), "", "", "", "a@b"));
    UserInfo stored = service.call(UserApi.FIND, new UserApi.FindUser(a.caller(), a.id()));
    assertEquals(a.name(), stored.name(), "a refused update changes nothing");
    assertTrue(stored.phone() == null || stored.phone().isEmpty(), stored.phone());
  }

  @Test
  void theAvatarMustBeALocalAsset() {
    Account a = service.newAccount("face");
    UserApi.UpdateUser outside = new UserApi.UpdateUser(a.caller(), "", "", "", "", "", "https://evil.example/me.png", a.ip());
    UserServiceHarness.Refused r = service.refusal(UserApi.UPDATE, outside);
    assertEquals(400, r.code());
    assertEquals("media_url_invalid: icon", r.message());
    UserApi.UpdateUser local = new UserApi.UpdateUser(a.caller(), "", "", "", "", "", "./asset/upload/me.png", a.ip());
    assertEquals("./asset/upload/me.png", service.call(UserApi.UPDATE, local).user().avatar());
  }

  @Test
  void aNewPasswordNeedsTheCurrentOne() {
    Account a = service.newAccount("needs");
    service.assertRefused(Refusal.CURRENT_PASSWORD_REQUIRED, UserApi.UPDATE,
        update(a, "", "new password", "", "", ""));
    service.assertRefused(Refusal.CURRENT_PASSWORD_WRONG, UserApi.UPDATE,
        update(a, "", "new password", "wrong", "", ""));
    service.loginAgain(a);   // still the old password
    service.assertRefused(Refusal.LOGIN_FAILED, UserApi.LOGIN, login(a.name(), "new password", a.ip()));
    assertEquals(0, service.sessionState(a.id()).generation());
  }

  @Test
  void aPasswordChangeEndsEveryOtherSessionAndHandsTheCallerANewToken() throws Exception {
    Account a = service.newAccount("changes");
    Events<SessionsEnded> ended = service.listen(UserApi.SESSIONS_ENDED);
    UserApi.Updated u = service.call(UserApi.UPDATE, update(a, "", "new password", a.password(), "", ""));
    assertEquals(1, service.sessionState(a.id()).generation(), "the generation is bumped");
    assertEquals(new SessionsEnded(a.id(), null, 1, false), ended.next(e -> e.userId() == a.id()));
    ended.close();
    Session fresh = service.session(u.token());
    assertEquals(a.id(), fresh.userId());
    assertEquals(1, fresh.generation(), "the caller's new token is of the new generation");
    service.assertRefused(Refusal.LOGIN_FAILED, UserApi.LOGIN, login(a.name(), a.password(), a.ip()));
    service.call(UserApi.LOGIN, login(a.name(), "new password", a.ip()));
  }

  // ---- delete and logout ----

  @Test
  void deleteRemovesTheUserAndEndsEverySession() throws Exception {
    Account a = service.newAccount("leaving");
    Account friend = service.newAccount("stays");
    service.call(UserApi.ADD_FRIEND, new UserApi.AddFriend(friend.caller(), a.name()));
    Events<UserApi.UserDeleted> deleted = service.listen(UserApi.USER_DELETED);
    Events<SessionsEnded> ended = service.listen(UserApi.SESSIONS_ENDED);

    service.call(UserApi.DELETE, new UserApi.DeleteUser(a.caller()));

    assertEquals(new UserApi.UserDeleted(a.id()), deleted.next(e -> e.id() == a.id()));
    assertEquals(new SessionsEnded(a.id(), null, null, true), ended.next(e -> e.userId() == a.id()));
    deleted.close();
    ended.close();
    assertFalse(service.sessionState(a.id()).exists());
    service.assertRefused(Refusal.USER_NOT_FOUND, UserApi.FIND, new UserApi.FindUser(friend.caller(), a.id()));
    service.assertRefused(Refusal.LOGIN_FAILED, UserApi.LOGIN, login(a.name(), a.password(), a.ip()));
    assertEquals(List.of(), service.call(UserApi.FRIENDS, new UserApi.ListFriends(friend.caller())).users(),
        "the friendship went with the user");
    // The name is free again.
    service.call(UserApi.REGISTER, registration(a.name(), "pw", "pw", freshIp()));
  }

  @Test
  void logoutRevokesTheSessionItsTokenNames() throws Exception {
    Account a = service.newAccount("out");
    Account otherLogin = service.loginAgain(a);
    String sessionId = service.session(a.caller().token()).id();
    Events<SessionsEnded> ended = service.listen(UserApi.SESSIONS_ENDED);

    service.call(UserApi.LOGOUT, new UserApi.Logout(a.caller()));

    assertEquals(new SessionsEnded(a.id(), sessionId, null, false), ended.next(e -> e.userId() == a.id()));
    ended.close();
    UserApi.SessionState state = service.sessionState(a.id());
    assertEquals(List.of(sessionId), state.revoked(), "only the session logged out of");
    assertEquals(0, state.generation());
    assertFalse(state.revoked().contains(service.session(otherLogin.caller().token()).id()));
  }
}
