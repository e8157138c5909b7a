package michat.user;

import static michat.user.UserServiceHarness.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import michat.auth.SessionTokens;
import michat.auth.TokenSecret;
import michat.config.MichatConfig;
import michat.contract.Refusal;
import michat.contract.Caller;
import michat.contract.Endpoint;
import michat.contract.UserApi;
import michat.contract.UserApi.GroupInfo;
import michat.user.UserServiceHarness.Account;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * user-service acts for a user only on a valid session token of that user: another user's token, a
 * token signed with another key, garbage or no caller at all are refused (401) before anything changes.
 */
@ExtendWith(VertxExtension.class)
class CallerChecksTest {
  private static UserServiceHarness service;
  /** Well-formed tokens signed with a key user-service does not have. */
  private static SessionTokens forger;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    service = UserServiceHarness.start(vertx, Map.of());
    forger = new SessionTokens(vertx, MichatConfig.load(null, Map.of("MICHAT_TOKEN_SECRET", TokenSecret.generate())));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  /** Callers that claim to be {@code victim} without their token; {@code attacker} is a real user. */
  private static List<Caller> impostorsOf(Account victim, Account attacker) {
    return List.of(
        new Caller(victim.id(), attacker.caller().token()),
        new Caller(victim.id(), forger.issue(victim.id(), 0)),
        new Caller(victim.id(), "garbage"),
        new Caller(victim.id(), ""),
        new Caller(victim.id(), null));
  }

  /** Every impostor, and no caller at all, is refused with 401 on {@code endpoint}. */
  private static <Q> void refusedForImpostors(Account victim, Account attacker, Endpoint<Q, ?> endpoint,
                                              Function<Caller, Q> request) {
    for (Caller impostor : impostorsOf(victim, attacker)) {
      service.assertRefused(Refusal.NOT_AUTHENTICATED, endpoint, request.apply(impostor));
    }
    service.assertRefused(401, "caller is required", endpoint, request.apply(null));
  }

  @Test
  void theVictimsOwnTokenWorks() {
    // The control: the same requests succeed with the victim's own session.
    Account victim = service.newAccount("control");
    service.call(UserApi.FIND, new UserApi.FindUser(victim.caller(), victim.id()));
    service.call(UserApi.FRIENDS, new UserApi.ListFriends(victim.caller()));
    service.call(UserApi.MY_GROUPS, new UserApi.MyGroups(victim.caller()));
    service.call(UserApi.LIST, new UserApi.ListUsers(victim.caller()));
  }

  @Test
  void nobodyElseChangesOrDeletesAnAccount() {
    Account victim = service.newAccount("victim");
    Account attacker = service.newAccount("attacker");
    refusedForImpostors(victim, attacker, UserApi.UPDATE,
        c -> update(new Account(victim.id(), victim.name(), "", attacker.ip(), c), "pwned", "", "", "", ""));
    refusedForImpostors(victim, attacker, UserApi.UPDATE,
        c -> update(new Account(victim.id(), victim.name(), "", attacker.ip(), c), "", "new", victim.password(), "", ""));
    refusedForImpostors(victim, attacker, UserApi.DELETE, UserApi.DeleteUser::new);
    refusedForImpostors(victim, attacker, UserApi.LOGOUT, UserApi.Logout::new);

    assertEquals(victim.name(), service.call(UserApi.FIND, new UserApi.FindUser(victim.caller(), victim.id())).name());
    assertEquals(new UserApi.SessionState(true, 0, List.of()), service.sessionState(victim.id()),
        "no session ended, no password changed");
    service.loginAgain(victim);
  }

  @Test
  void nobodyElseAddsFriendsOrGroupsForAUser() {
    Account victim = service.newAccount("target");
    Account attacker = service.newAccount("mallory");
    GroupInfo group = service.call(UserApi.CREATE_GROUP,
        new UserApi.CreateGroup(attacker.caller(), UserServiceHarness.uniqueName("trap"), "", "", false));
    refusedForImpostors(victim, attacker, UserApi.ADD_FRIEND, c -> new UserApi.AddFriend(c, attacker.name()));
    refusedForImpostors(victim, attacker, UserApi.JOIN_GROUP, c -> new UserApi.JoinGroup(c, group.name()));
    refusedForImpostors(victim, attacker, UserApi.CREATE_GROUP,
        c -> new UserApi.CreateGroup(c, UserServiceHarness.uniqueName("forged"), "", "", false));

    assertEquals(List.of(), service.call(UserApi.FRIENDS, new UserApi.ListFriends(victim.caller())).users());
    assertEquals(List.of(), service.call(UserApi.MY_GROUPS, new UserApi.MyGroups(victim.caller())).groups());
    assertEquals(List.of(attacker.id()),
        service.call(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(group.id())).members());
  }

  @Test
  void nobodyElseChangesAGroup() {
    Account owner = service.newAccount("owner");
    Account attacker = service.newAccount("usurper");
    GroupInfo group = service.call(UserApi.CREATE_GROUP,
        new UserApi.CreateGroup(owner.caller(), UserServiceHarness.uniqueName("guarded"), "", "", false));
    refusedForImpostors(owner, attacker, UserApi.UPDATE_GROUP, c -> new UserApi.UpdateGroup(c, group.id(), true));
    assertFalse(service.call(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(group.id())).historyVisible());
  }

  @Test
  void aDeletedUsersTokenActsForNobody() {
    // The token stays well signed until it expires (ending it early is the edge's job), so a peer
    // still holding it must not leave memberships or friendships of a user who no longer exists.
    Account gone = service.newAccount("gone");
    Account owner = service.newAccount("remaining");
    GroupInfo group = service.call(UserApi.CREATE_GROUP,
        new UserApi.CreateGroup(owner.caller(), UserServiceHarness.uniqueName("after"), "", "", false));
    GroupInfo own = service.call(UserApi.CREATE_GROUP,
        new UserApi.CreateGroup(gone.caller(), UserServiceHarness.uniqueName("orphan"), "", "", false));
    service.call(UserApi.DELETE, new UserApi.DeleteUser(gone.caller()));

    service.assertRefused(Refusal.CALLER_UNKNOWN, UserApi.JOIN_GROUP,
        new UserApi.JoinGroup(gone.caller(), group.name()));
    service.assertRefused(Refusal.CALLER_UNKNOWN, UserApi.ADD_FRIEND,
        new UserApi.AddFriend(gone.caller(), owner.name()));
    service.assertRefused(Refusal.CALLER_UNKNOWN, UserApi.CREATE_GROUP,
        new UserApi.CreateGroup(gone.caller(), UserServiceHarness.uniqueName("ghost"), "", "", false));
    service.assertRefused(Refusal.CALLER_UNKNOWN, UserApi.UPDATE_GROUP,
        new UserApi.UpdateGroup(gone.caller(), own.id(), true));
    assertEquals(List.of(owner.id()),
        service.call(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(group.id())).members());
    assertFalse(service.call(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(own.id())).historyVisible());
    assertEquals(List.of(), service.call(UserApi.FRIENDS, new UserApi.ListFriends(owner.caller())).users());
  }

  @Test
  void nobodyElseReadsAsAUser() {
    Account victim = service.newAccount("private");
    Account attacker = service.newAccount("snoop");
    refusedForImpostors(victim, attacker, UserApi.FRIENDS, UserApi.ListFriends::new);
    refusedForImpostors(victim, attacker, UserApi.MY_GROUPS, UserApi.MyGroups::new);
    refusedForImpostors(victim, attacker, UserApi.FIND, c -> new UserApi.FindUser(c, victim.id()));
    refusedForImpostors(victim, attacker, UserApi.LIST, UserApi.ListUsers::new);
  }
}
