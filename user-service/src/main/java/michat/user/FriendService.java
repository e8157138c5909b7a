package michat.user;

import io.vertx.core.Future;
import michat.contract.Refusal;
import michat.contract.UserApi.*;
import michat.storage.SqlErrors;

/** Friendships: always both directions, added by the friend's name. */
final class FriendService {
  private final UserRepository repo;
  private final Lookups lookups;

  FriendService(UserRepository repo, Lookups lookups) {
    this.repo = repo;
    this.lookups = lookups;
  }

  Future<Users> friends(ListFriends req) {
    return repo.friends(req.caller().userId()).map(Users::new);
  }

  /** The original's checks, in its order: empty name, unknown user, yourself, already friends. */
  Future<UserInfo> addFriend(AddFriend req) {
    long userId = req.caller().userId();
    String targetName = req.targetName();
    if (targetName.isEmpty()) {
      return Refusal.FRIEND_NAME_EMPTY.fail();
    }
    return lookups.caller(userId).compose(me -> repo.findUserByName(targetName)).compose(found -> {
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
}
