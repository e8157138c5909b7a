package michat.user;

import static michat.user.UserServiceHarness.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import michat.config.ConfigKeys;
import michat.contract.Refusal;
import michat.contract.UserApi;
import michat.contract.UserApi.CreateGroup;
import michat.contract.UserApi.GroupChanged;
import michat.contract.UserApi.GroupInfo;
import michat.contract.UserApi.GroupMembers;
import michat.contract.UserApi.JoinGroup;
import michat.contract.UserApi.UpdateGroup;
import michat.model.Conversations;
import michat.user.UserServiceHarness.Account;
import michat.user.UserServiceHarness.Events;
import michat.user.UserServiceHarness.Refused;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Creating, joining and changing groups; members and their join points as the router reads them. */
@ExtendWith(VertxExtension.class)
class GroupsTest {
  private static final int MAX_MEMBERS = 3;
  private static final String CDN = "cdn.example.com";
  private static UserServiceHarness service;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    service = UserServiceHarness.start(vertx, Map.of(
        ConfigKeys.GROUP_MAX_MEMBERS, MAX_MEMBERS,
        ConfigKeys.MEDIA_EXTERNAL_URLS, CDN));
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static GroupInfo create(Account owner, String name) {
    return service.call(UserApi.CREATE_GROUP, new CreateGroup(owner.caller(), name, "", "about " + name, false));
  }

  private static GroupInfo join(Account a, String group) {
    return service.call(UserApi.JOIN_GROUP, new JoinGroup(a.caller(), group));
  }

  private static GroupMembers members(long groupId) {
    return service.call(UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(groupId));
  }

  private static List<GroupInfo> groupsOf(Account a) {
    return service.call(UserApi.MY_GROUPS, new UserApi.MyGroups(a.caller())).groups();
  }

  // ---- create ----

  @Test
  void theCreatorOwnsTheGroupAndIsItsFirstMember() throws Exception {
    Account owner = service.newAccount("founder");
    Events<GroupChanged> changed = service.listen(UserApi.GROUP_CHANGED);
    String name = uniqueName("club");
    GroupInfo g = service.call(UserApi.CREATE_GROUP,
        new CreateGroup(owner.caller(), name, "./asset/upload/icon.png", "a club", true));
    assertEquals(name, g.name());
    assertEquals(owner.id(), g.ownerId());
    assertEquals("./asset/upload/icon.png", g.img());
    assertEquals("a club", g.desc());
    assertTrue(g.historyVisible());
    assertEquals(new GroupChanged(g.id()), changed.next(c -> c.groupId() == g.id()));
    changed.close();
    assertEquals(new GroupMembers(g.id(), owner.id(), true, List.of(owner.id()), Map.of()), members(g.id()));
    assertEquals(List.of(g.id()), groupsOf(owner).stream().map(GroupInfo::id).toList());
  }

  @Test
  void aGroupNeedsANameOfItsOwn() {
    Account owner = service.newAccount("namer");
    service.assertRefused(Refusal.GROUP_NAME_EMPTY, UserApi.CREATE_GROUP,
        new CreateGroup(owner.caller(), "", "", "", false));
    GroupInfo first = create(owner, uniqueName("unique"));
    Account other = service.newAccount("copycat");
    service.assertRefused(Refusal.GROUP_NAME_TAKEN, UserApi.CREATE_GROUP,
        new CreateGroup(other.caller(), first.name(), "", "", false));
    assertEquals(List.of(), groupsOf(other));
    assertEquals(List.of(owner.id()), members(first.id()).members(), "the existing group is untouched");
  }

  @Test
  void theIconMustBeALocalAssetOrAnAllowedHttpsUrl() {
    Account owner = service.newAccount("artist");
    for (String ok : List.of("/asset/upload/a.png", "asset/plugins/doutu/1.gif", "https://" + CDN + "/i/a.png")) {
      assertEquals(ok, service.call(UserApi.CREATE_GROUP,
          new CreateGroup(owner.caller(), uniqueName("icon"), ok, "", false)).img());
    }
    for (String bad : List.of("/asset/../toChat?token=x", "https://evil.example/a.png", "http://" + CDN + "/a.png",
        "javascript:alert(1)", "/asset/upload/a%2e.png")) {
      String name = uniqueName("bad-icon");
      Refused r = service.refusal(UserApi.CREATE_GROUP, new CreateGroup(owner.caller(), name, bad, "", false));
      assertEquals(400, r.code(), bad);
      assertEquals("media_url_invalid: icon", r.message(), bad);
      service.assertRefused(Refusal.GROUP_NOT_FOUND, UserApi.JOIN_GROUP, new JoinGroup(owner.caller(), name));
    }
    service.assertRefused(400, "img is required", UserApi.CREATE_GROUP,
        new CreateGroup(owner.caller(), uniqueName("no-img"), null, "", false));
  }

  // ---- join ----

  @Test
  void aGroupIsJoinedByIdOrByName() throws Exception {
    Account owner = service.newAccount("host");
    GroupInfo g = create(owner, uniqueName("open"));
    Account byId = service.newAccount("by-id");
    Account byName = service.newAccount("by-name");
    Events<GroupChanged> changed = service.listen(UserApi.GROUP_CHANGED);
    assertEquals(g.id(), join(byId, Long.toString(g.id())).id());
    changed.next(c -> c.groupId() == g.id());
    changed.close();
    assertEquals(g.id(), join(byName, "  " + g.name() + " ").id(), "surrounding spaces are ignored");
    assertEquals(List.of(owner.id(), byId.id(), byName.id()), members(g.id()).members());
    assertEquals(List.of(g.id()), groupsOf(byName).stream().map(GroupInfo::id).toList());
  }

  @Test
  void anAllDigitNameIsTriedAsAnIdFirstThenAsAName() {
    Account owner = service.newAccount("digits");
    // Far above any id this store hands out: found by its name.
    String digits = Long.toString(900_000_000L + UserServiceHarness.uniqueNumber());
    GroupInfo named = create(owner, digits);
    Account joiner = service.newAccount("numeric");
    assertEquals(named.id(), join(joiner, digits).id());
    // A group named after another group's id: the id wins, as documented.
    GroupInfo target = create(owner, uniqueName("target"));
    GroupInfo impostor = create(owner, Long.toString(target.id()));
    Account other = service.newAccount("precise");
    assertEquals(target.id(), join(other, Long.toString(target.id())).id());
    assertEquals(List.of(owner.id()), members(impostor.id()).members());
  }

  @Test
  void anUnknownGroupIsNotFound() {
    Account a = service.newAccount("seeker");
    service.assertRefused(Refusal.GROUP_NOT_FOUND, UserApi.JOIN_GROUP, new JoinGroup(a.caller(), uniqueName("none")));
    service.assertRefused(Refusal.GROUP_NOT_FOUND, UserApi.JOIN_GROUP, new JoinGroup(a.caller(), "   "));
    service.assertRefused(Refusal.GROUP_NOT_FOUND, UserApi.JOIN_GROUP, new JoinGroup(a.caller(), "987654321098"));
    assertEquals(List.of(), groupsOf(a));
  }

  @Test
  void aMemberCannotJoinAgain() {
    Account owner = service.newAccount("member-owner");
    GroupInfo g = create(owner, uniqueName("once"));
    service.assertRefused(Refusal.ALREADY_MEMBER, UserApi.JOIN_GROUP, new JoinGroup(owner.caller(), g.name()));
    Account a = service.newAccount("once");
    join(a, g.name());
    service.assertRefused(Refusal.ALREADY_MEMBER, UserApi.JOIN_GROUP,
        new JoinGroup(a.caller(), Long.toString(g.id())));
    assertEquals(List.of(owner.id(), a.id()), members(g.id()).members());
  }

  @Test
  void aFullGroupTakesNobodyElse() {
    Account owner = service.newAccount("popular");
    GroupInfo g = create(owner, uniqueName("full"));
    for (int i = 1; i < MAX_MEMBERS; i++) {
      join(service.newAccount("fan"), g.name());
    }
    Account late = service.newAccount("late");
    service.assertRefused(Refusal.GROUP_FULL, MAX_MEMBERS, UserApi.JOIN_GROUP,
        new JoinGroup(late.caller(), g.name()));
    assertEquals(MAX_MEMBERS, members(g.id()).members().size());
    assertEquals(List.of(), groupsOf(late));
  }

  @Test
  void aNewMemberJoinsAtTheGroupsLastSequenceNumber() throws Exception {
    Account owner = service.newAccount("chatty");
    GroupInfo g = create(owner, uniqueName("history"));
    Account early = service.newAccount("early");
    join(early, g.name());   // no message yet: no counter row, all of the history
    // The router has numbered 42 messages of the group (its counter row, as it writes it).
    service.sql("INSERT INTO conversation_seq (conversation, last_seq) VALUES (?, ?)", Conversations.group(g.id()), 42L);
    Account late = service.newAccount("late");
    join(late, g.name());

    assertEquals(List.of(42L), groupsOf(late).stream().map(GroupInfo::joinedAtSeq).toList());
    assertEquals(List.of(0L), groupsOf(early).stream().map(GroupInfo::joinedAtSeq).toList());
    assertEquals(List.of(0L), groupsOf(owner).stream().map(GroupInfo::joinedAtSeq).toList());
    assertEquals(Map.of(late.id(), 42L), members(g.id()).joinedAtSeq(), "only join points other than 0");
  }

  // ---- update and members ----

  @Test
  void onlyTheOwnerChangesTheGroup() throws Exception {
    Account owner = service.newAccount("boss");
    GroupInfo g = create(owner, uniqueName("ruled"));
    Account member = service.newAccount("subject");
    join(member, g.name());
    service.assertRefused(Refusal.NOT_GROUP_OWNER, UserApi.UPDATE_GROUP,
        new UpdateGroup(member.caller(), g.id(), true));
    assertFalse(members(g.id()).historyVisible(), "a refused change changes nothing");

    Events<GroupChanged> changed = service.listen(UserApi.GROUP_CHANGED);
    GroupInfo updated = service.call(UserApi.UPDATE_GROUP, new UpdateGroup(owner.caller(), g.id(), true));
    assertTrue(updated.historyVisible());
    assertEquals(new GroupChanged(g.id()), changed.next(c -> c.groupId() == g.id()));
    changed.close();
    assertTrue(members(g.id()).historyVisible());
    assertFalse(service.call(UserApi.UPDATE_GROUP, new UpdateGroup(owner.caller(), g.id(), false)).historyVisible());
  }

  @Test
  void anUnknownGroupHasNoMembersAndCannotBeChanged() {
    Account a = service.newAccount("nowhere");
    long unknown = 987_654_321L;
    service.assertRefused(Refusal.GROUP_NOT_FOUND, UserApi.GROUP_MEMBERS, new UserApi.GroupMembersQuery(unknown));
    service.assertRefused(Refusal.GROUP_NOT_FOUND, UserApi.UPDATE_GROUP, new UpdateGroup(a.caller(), unknown, true));
    service.assertRefused(400, "historyVisible is required", UserApi.UPDATE_GROUP, new UpdateGroup(a.caller(), unknown, null));
  }
}
