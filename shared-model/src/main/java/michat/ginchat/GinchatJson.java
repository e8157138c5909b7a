package michat.ginchat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import michat.contract.UserApi.GroupInfo;
import michat.contract.UserApi.UserInfo;

/**
 * Users and groups in the ginchat clients' JSON: user-service answers with michat's records
 * ({@link UserInfo}, {@link GroupInfo}); ginchat clients expect the original Go struct names
 * ({@code ID}, {@code Name}, ...). Password hashes and salts never reach either form. Used by the
 * edges only.
 */
public final class GinchatJson {
  private GinchatJson() {}

  /** A user as ginchat clients read it; {@code identity} is the caller's own token or "". */
  public static JsonObject user(UserInfo u, String identity) {
    return new JsonObject()
        .put("ID", u.id())
        .put("CreatedAt", u.createdAt())
        .put("UpdatedAt", u.updatedAt())
        .put("DeletedAt", null)
        .put("Name", orEmpty(u.name()))
        .put("Phone", orEmpty(u.phone()))
        .put("Email", orEmpty(u.email()))
        .put("Avatar", orEmpty(u.avatar()))
        .put("Identity", orEmpty(identity))
        .put("ClientIp", orEmpty(u.clientIp()))
        .put("ClientPort", orEmpty(u.clientPort()))
        .put("LoginTime", u.loginTime())
        .put("HeartbeatTime", u.heartbeatTime())
        .put("LoginOutTime", u.loginOutTime())
        .put("IsLogout", u.isLogout())
        .put("DeviceInfo", orEmpty(u.deviceInfo()));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * What a friend may see of a user: no phone, e-mail or client details, but when they were last
   * logged in and active.
   */
  public static JsonObject friendUser(UserInfo u) {
    return user(u, "").put("Phone", "").put("Email", "").put("ClientIp", "").put("ClientPort", "")
        .put("DeviceInfo", "");
  }

  /**
   * What anyone else may see of a user: the friend's view without activity. The keys stay, with the
   * values of a user who never logged in (null times, not logged out), so strangers cannot tell
   * when someone is around.
   */
  public static JsonObject publicUser(UserInfo u) {
    return friendUser(u).put("LoginTime", null).put("HeartbeatTime", null).put("LoginOutTime", null)
        .put("IsLogout", false);
  }

  /** Users as {@code viewer} may see them: everything of oneself, activity of friends, public fields of others. */
  public static JsonArray usersSeenBy(List<UserInfo> users, long viewer, Set<Long> friendsOfViewer) {
    JsonArray out = new JsonArray();
    users.forEach(u -> out.add(userSeenBy(u, viewer, friendsOfViewer)));
    return out;
  }

  public static JsonObject userSeenBy(UserInfo u, long viewer, Set<Long> friendsOfViewer) {
    long id = u.id();
    return id == viewer ? user(u, "") : friendsOfViewer.contains(id) ? friendUser(u) : publicUser(u);
  }

  /** Friends as their friend sees them (with activity). */
  public static JsonArray friendUsers(List<UserInfo> users) {
    JsonArray out = new JsonArray();
    users.forEach(u -> out.add(friendUser(u)));
    return out;
  }

  /** A group ("community") as ginchat clients read it. */
  public static JsonObject group(GroupInfo g) {
    return new JsonObject()
        .put("ID", g.id())
        .put("CreatedAt", g.createdAt())
        .put("UpdatedAt", g.updatedAt())
        .put("Name", orEmpty(g.name()))
        .put("OwnerId", g.ownerId())
        .put("Img", orEmpty(g.img()))
        .put("Desc", orEmpty(g.desc()))
        .put("HistoryVisible", g.historyVisible());
  }

  public static JsonArray groups(List<GroupInfo> groups) {
    JsonArray out = new JsonArray();
    groups.forEach(g -> out.add(group(g)));
    return out;
  }
}
