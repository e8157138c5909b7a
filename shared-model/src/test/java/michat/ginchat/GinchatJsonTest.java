package michat.ginchat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import michat.contract.UserApi.GroupInfo;
import michat.contract.UserApi.UserInfo;
import org.junit.jupiter.api.Test;

/**
 * The edge's mapping of michat's records to what ginchat clients read: the Go field names, every key
 * present, and each viewer seeing only what they may (oneself: all; a friend: activity; anyone else:
 * public fields, as of a user who never logged in).
 */
class GinchatJsonTest {
  private static final UserInfo ANN = new UserInfo(7, "ann", "13800000000", "a@example.org", "/asset/a.png",
      "10.0.0.1", "5555", "Firefox", "2026-11-29T10:00Z", "2026-11-29T10:05Z", null, false, "2026-01-01T00:00Z",
      "2026-11-29T10:00Z");

  @Test
  void oneselfSeesEverythingUnderTheGoNames() {
    JsonObject u = GinchatJson.userSeenBy(ANN, 7, Set.of());
    assertEquals(7L, u.getLong("ID"));
    assertEquals("ann", u.getString("Name"));
    assertEquals("13800000000", u.getString("Phone"));
    assertEquals("a@example.org", u.getString("Email"));
    assertEquals("/asset/a.png", u.getString("Avatar"));
    assertEquals("10.0.0.1", u.getString("ClientIp"));
    assertEquals("2026-11-29T10:05Z", u.getString("HeartbeatTime"));
    assertEquals("", u.getString("Identity"), "never a token in a user object but the login's own");
    assertEquals(Set.of("ID", "CreatedAt", "UpdatedAt", "DeletedAt", "Name", "Phone", "Email", "Avatar", "Identity",
        "ClientIp", "ClientPort", "LoginTime", "HeartbeatTime", "LoginOutTime", "IsLogout", "DeviceInfo"), u.fieldNames());
  }

  @Test
  void aFriendSeesActivityButNoContactOrClientDetails() {
    JsonObject u = GinchatJson.userSeenBy(ANN, 8, Set.of(7L));
    assertEquals("", u.getString("Phone"));
    assertEquals("", u.getString("Email"));
    assertEquals("", u.getString("ClientIp"));
    assertEquals("", u.getString("DeviceInfo"));
    assertEquals("2026-11-29T10:00Z", u.getString("LoginTime"));
    assertEquals("2026-11-29T10:05Z", u.getString("HeartbeatTime"));
  }

  @Test
  void anyoneElseSeesAUserWhoNeverLoggedIn() {
    JsonObject u = GinchatJson.userSeenBy(ANN, 9, Set.of(1L));
    assertEquals("ann", u.getString("Name"));
    assertEquals("", u.getString("Phone"));
    assertEquals(null, u.getString("LoginTime"));
    assertEquals(null, u.getString("HeartbeatTime"));
    assertEquals(false, u.getBoolean("IsLogout"));
    assertEquals(16, u.size(), "the keys stay: strangers cannot tell from their absence");
  }

  @Test
  void absentTextsAreEmptyStringsAndGroupsUseTheOriginalsNames() {
    UserInfo bare = new UserInfo(1, "b", null, null, null, null, null, null, null, null, null, false, "c", "u");
    assertEquals("", GinchatJson.user(bare, null).getString("Avatar"));
    GroupInfo g = new GroupInfo(3, "g", 7, null, "about", true, "c", "u", 5);
    JsonObject json = GinchatJson.groups(List.of(g)).getJsonObject(0);
    assertEquals(new JsonObject().put("ID", 3L).put("CreatedAt", "c").put("UpdatedAt", "u").put("Name", "g")
        .put("OwnerId", 7L).put("Img", "").put("Desc", "about").put("HistoryVisible", true), json);
  }
}
