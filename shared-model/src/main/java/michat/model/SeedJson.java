package michat.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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

  /** What other users may see of a user: no phone, e-mail or client details. */
  public static JsonObject publicUser(JsonObject u) {
    return user(u, "").put("Phone", "").put("Email", "").put("ClientIp", "").put("ClientPort", "")
        .put("DeviceInfo", "");
  }

  public static JsonArray publicUsers(JsonArray internal) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < internal.size(); i++) {
      out.add(publicUser(internal.getJsonObject(i)));
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
        .put("Desc", g.getString(DESC, ""));
  }

  public static JsonArray groups(JsonArray internal) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < internal.size(); i++) {
      out.add(group(internal.getJsonObject(i)));
    }
    return out;
  }
}
