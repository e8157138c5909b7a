package michat.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The seed-compatibility mapping of objects: user-service replies with michat's internal field
 * names (lower camel case, below); clients of the seed expect the Go struct names
 * ({@code ID}, {@code Name}, ...). Password hashes and salts never reach either form.
 */
public final class SeedJson {
  private SeedJson() {}

  /** Internal user fields, as user-service replies. */
  public static final String ID = "id";
  public static final String NAME = "name";
  public static final String PHONE = "phone";
  public static final String EMAIL = "email";
  public static final String AVATAR = "avatar";
  public static final String CREATED_AT = "createdAt";
  public static final String UPDATED_AT = "updatedAt";
  public static final String LOGIN_TIME = "loginTime";
  public static final String LOGIN_OUT_TIME = "loginOutTime";
  public static final String HEARTBEAT_TIME = "heartbeatTime";
  public static final String IS_LOGOUT = "isLogout";
  public static final String DEVICE_INFO = "deviceInfo";
  public static final String CLIENT_IP = "clientIp";
  public static final String CLIENT_PORT = "clientPort";
  /** Internal group fields. */
  public static final String OWNER_ID = "ownerId";
  public static final String IMG = "img";
  public static final String DESC = "desc";
  public static final String HISTORY_VISIBLE = "historyVisible";
  /** In a user's own group list: the group's last sequence number when the user joined (0: all history). */
  public static final String JOINED_AT_SEQ = "joinedAtSeq";

  /** A user as the seed's clients read it; {@code identity} is the caller's own token or "". */
  public static JsonObject user(JsonObject u, String identity) {
    return new JsonObject()
        .put("ID", u.getLong(ID))
        .put("CreatedAt", u.getString(CREATED_AT))
        .put("UpdatedAt", u.getString(UPDATED_AT))
        .put("DeletedAt", null)
        .put("Name", u.getString(NAME, ""))
        .put("Phone", u.getString(PHONE, ""))
        .put("Email", u.getString(EMAIL, ""))
        .put("Avatar", u.getString(AVATAR, ""))
        .put("Identity", identity == null ? "" : identity)
        .put("ClientIp", u.getString(CLIENT_IP, ""))
        .put("ClientPort", u.getString(CLIENT_PORT, ""))
        .put("LoginTime", u.getString(LOGIN_TIME))
        .put("HeartbeatTime", u.getString(HEARTBEAT_TIME))
        .put("LoginOutTime", u.getString(LOGIN_OUT_TIME))
        .put("IsLogout", u.getBoolean(IS_LOGOUT, false))
        .put("DeviceInfo", u.getString(DEVICE_INFO, ""));
  }

  /**
   * What a friend may see of a user: no phone, e-mail or client details, but when they were last
   * logged in and active.
   */
  public static JsonObject friendUser(JsonObject u) {
    return user(u, "").put("Phone", "").put("Email", "").put("ClientIp", "").put("ClientPort", "")
        .put("DeviceInfo", "");
  }

  /**
   * What anyone else may see of a user: the friend's view without activity. The keys stay, with the
   * values of a user who never logged in (null times, not logged out), so strangers cannot tell
   * when someone is around.
   */
  public static JsonObject publicUser(JsonObject u) {
    return friendUser(u).put("LoginTime", null).put("HeartbeatTime", null).put("LoginOutTime", null)
        .put("IsLogout", false);
  }

  /** Users as {@code viewer} may see them: everything of oneself, activity of friends, public fields of others. */
  public static JsonArray usersSeenBy(JsonArray internal, long viewer, Set<Long> friendsOfViewer) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < internal.size(); i++) {
      out.add(userSeenBy(internal.getJsonObject(i), viewer, friendsOfViewer));
    }
    return out;
  }

  public static JsonObject userSeenBy(JsonObject u, long viewer, Set<Long> friendsOfViewer) {
    long id = u.getLong(ID);
    return id == viewer ? user(u, "") : friendsOfViewer.contains(id) ? friendUser(u) : publicUser(u);
  }

  /** Friends as their friend sees them (with activity). */
  public static JsonArray friendUsers(JsonArray internal) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < internal.size(); i++) {
      out.add(friendUser(internal.getJsonObject(i)));
    }
    return out;
  }

  /** A group ("community") as the seed's clients read it. */
  public static JsonObject group(JsonObject g) {
    return new JsonObject()
        .put("ID", g.getLong(ID))
        .put("CreatedAt", g.getString(CREATED_AT))
        .put("UpdatedAt", g.getString(UPDATED_AT))
        .put("Name", g.getString(NAME, ""))
        .put("OwnerId", g.getLong(OWNER_ID))
        .put("Img", g.getString(IMG, ""))
        .put("Desc", g.getString(DESC, ""))
        .put("HistoryVisible", g.getBoolean(HISTORY_VISIBLE, false));
  }

  public static JsonArray groups(JsonArray internal) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < internal.size(); i++) {
      out.add(group(internal.getJsonObject(i)));
    }
    return out;
  }
}
