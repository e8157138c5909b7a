package michat.user;

import static michat.user.UserServiceHarness.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import michat.contract.Refusal;
import michat.contract.UserApi;
import michat.contract.UserApi.AddFriend;
import michat.contract.UserApi.UserInfo;
import michat.user.UserServiceHarness.Account;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Friends by name: the seed's checks in its order, both directions at once, the list. */
@ExtendWith(VertxExtension.class)
class FriendsTest {
  private static UserServiceHarness service;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    service = UserServiceHarness.start(vertx, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static List<String> friendsOf(Account a) {
    return service.call(UserApi.FRIENDS, new UserApi.ListFriends(a.caller())).users().stream()
        .map(UserInfo::name).toList();
  }

  @Test
  void addingAFriendMakesBothFriendsOfEachOther() {
    Account a = service.newAccount("alice");
    Account b = service.newAccount("bob");
    UserInfo added = service.call(UserApi.ADD_FRIEND, new AddFriend(a.caller(), b.name()));
    assertEquals(b.id(), added.id(), "the reply is the new friend");
    assertEquals(List.of(b.name()), friendsOf(a));
    assertEquals(List.of(a.name()), friendsOf(b));
  }

  @Test
  void theListHoldsEveryFriendInIdOrderAndNobodyElse() {
    Account a = service.newAccount("many");
    Account first = service.newAccount("first");
    Account second = service.newAccount("second");
    Account stranger = service.newAccount("stranger");
    service.call(UserApi.ADD_FRIEND, new AddFriend(a.caller(), second.name()));
    service.call(UserApi.ADD_FRIEND, new AddFriend(first.caller(), a.name()));
    assertEquals(List.of(first.name(), second.name()), friendsOf(a));
    assertEquals(List.of(), friendsOf(stranger));
  }

  @Test
  void anEmptyNameIsRefusedFirst() {
    Account a = service.newAccount("empty");
    service.assertRefused(Refusal.FRIEND_NAME_EMPTY, UserApi.ADD_FRIEND, new AddFriend(a.caller(), ""));
    service.assertRefused(400, "targetName is required", UserApi.ADD_FRIEND, new AddFriend(a.caller(), null));
  }

  @Test
  void anUnknownNameIsNotFound() {
    Account a = service.newAccount("lonely");
    service.assertRefused(Refusal.FRIEND_NOT_FOUND, UserApi.ADD_FRIEND,
        new AddFriend(a.caller(), uniqueName("nobody")));
    assertEquals(List.of(), friendsOf(a));
  }

  @Test
  void nobodyCanAddThemselves() {
    Account a = service.newAccount("narcissus");
    service.assertRefused(Refusal.CANNOT_ADD_SELF, UserApi.ADD_FRIEND, new AddFriend(a.caller(), a.name()));
    assertEquals(List.of(), friendsOf(a));
  }

  @Test
  void friendsCannotBeAddedTwiceFromEitherSide() {
    Account a = service.newAccount("again");
    Account b = service.newAccount("twice");
    service.call(UserApi.ADD_FRIEND, new AddFriend(a.caller(), b.name()));
    service.assertRefused(Refusal.ALREADY_FRIENDS, UserApi.ADD_FRIEND, new AddFriend(a.caller(), b.name()));
    service.assertRefused(Refusal.ALREADY_FRIENDS, UserApi.ADD_FRIEND, new AddFriend(b.caller(), a.name()));
    assertEquals(List.of(b.name()), friendsOf(a), "still one friendship");
    assertEquals(List.of(a.name()), friendsOf(b));
  }
}
