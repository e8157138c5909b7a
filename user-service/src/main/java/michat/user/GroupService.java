package michat.user;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import java.util.Optional;
import michat.contract.Refusal;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.*;
import michat.model.MediaUrls;
import michat.storage.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups ("communities"): creation, membership with each member's join point, the owner's settings.
 * Every change is announced so that the router's cache drops the group.
 */
final class GroupService {
  private static final Logger LOG = LoggerFactory.getLogger(GroupService.class);

  private final ServiceBus bus;
  private final UserRepository repo;
  private final Lookups lookups;
  private final MediaUrls mediaUrls;
  private final int maxGroupMembers;

  GroupService(ServiceBus bus, UserRepository repo, Lookups lookups, MediaUrls mediaUrls, int maxGroupMembers) {
    this.bus = bus;
    this.repo = repo;
    this.lookups = lookups;
    this.mediaUrls = mediaUrls;
    this.maxGroupMembers = maxGroupMembers;
  }

  Future<GroupInfo> createGroup(CreateGroup req) {
    long ownerId = req.caller().userId();
    String name = req.name();
    String img = req.img();
    String desc = req.desc();
    if (name.isEmpty()) {
      return Refusal.GROUP_NAME_EMPTY.fail();
    }
    Optional<ReplyException> bad = AccountRules.text("name", name, AccountRules.NAME_MAX)
        .or(() -> AccountRules.text("icon", img, AccountRules.URL_MAX))
        .or(() -> AccountRules.text("desc", desc, AccountRules.DESC_MAX))
        .or(() -> AccountRules.mediaUrl(mediaUrls, "icon", img));
    if (bad.isPresent()) {
      return Future.failedFuture(bad.get());
    }
    return lookups.caller(ownerId)
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

  Future<Groups> groupsOfUser(MyGroups req) {
    return repo.groupsOf(req.caller().userId()).map(Groups::new);
  }

  /** {@code group} is a group id or name; an all-digit value is tried as an id first. */
  Future<GroupInfo> joinGroup(JoinGroup req) {
    long userId = req.caller().userId();
    String ref = req.group().trim();
    if (ref.isEmpty()) {
      return Refusal.GROUP_NOT_FOUND.fail();
    }
    Future<Optional<GroupInfo>> lookup = lookups.caller(userId).compose(me -> ref.matches("\\d{1,18}")
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
  Future<GroupMembers> members(GroupMembersQuery req) {
    long groupId = req.groupId();
    return lookups.group(groupId).compose(g -> repo.members(groupId)
        .map(m -> new GroupMembers(groupId, g.ownerId(), g.historyVisible(), m.ids(), m.joinedAtSeq())));
  }

  /** The owner's settings of a group; only {@code historyVisible} so far. Anyone else: 403. */
  Future<GroupInfo> updateGroup(UpdateGroup req) {
    long userId = req.caller().userId();
    long groupId = req.groupId();
    boolean visible = req.historyVisible();
    return lookups.caller(userId)
        .compose(me -> lookups.group(groupId))
        .compose(g -> g.ownerId() == userId ? repo.setHistoryVisible(groupId, visible)
            : Refusal.NOT_GROUP_OWNER.<Void>fail())
        .compose(v -> lookups.group(groupId))
        .onSuccess(g -> {
          announceChange(groupId);
          LOG.info("group {}: history of before joining {} by its owner", groupId, visible ? "shared" : "not shared");
        });
  }

  /** Caches (the router's) drop what they hold of the group: members, join points, settings. */
  private void announceChange(long groupId) {
    bus.publish(UserApi.GROUP_CHANGED, new GroupChanged(groupId));
  }
}
