package michat.user;

import io.vertx.core.Future;
import michat.contract.Refusal;
import michat.contract.UserApi.GroupInfo;
import michat.contract.UserApi.UserInfo;

/**
 * The users and groups a request names, or its refusal: the caller's own account (gone: 401), a user
 * or a group that must exist (404).
 */
final class Lookups {
  private final UserRepository repo;

  Lookups(UserRepository repo) {
    this.repo = repo;
  }

  /**
   * The caller's own account; 401 once it is deleted. Its tokens stay well signed until they expire
   * (ending them early is the edge's job), and a peer still holding one must not leave memberships,
   * friendships or groups of a user who no longer exists.
   */
  Future<UserInfo> caller(long userId) {
    return repo.findUserById(userId).compose(u -> u.isPresent() ? Future.succeededFuture(u.get())
        : Refusal.CALLER_UNKNOWN.fail());
  }

  Future<UserInfo> user(long id) {
    return repo.findUserById(id).compose(u -> u.isPresent() ? Future.succeededFuture(u.get())
        : Refusal.USER_NOT_FOUND.fail());
  }

  Future<GroupInfo> group(long groupId) {
    return repo.findGroupById(groupId).compose(g -> g.isPresent() ? Future.succeededFuture(g.get())
        : Refusal.GROUP_NOT_FOUND.fail());
  }
}
