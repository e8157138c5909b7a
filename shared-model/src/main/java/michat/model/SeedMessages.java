package michat.model;

/**
 * The strings clients show to users. The Chinese ones are the seed's, byte for byte (PROTOCOL.md,
 * "Exact messages clients display"); the English ones are michat's own, for input the seed never
 * checked.
 */
public final class SeedMessages {
  private SeedMessages() {}

  // register
  public static final String NAME_OR_PASSWORD_EMPTY = "用户名或密码不能为空！";
  public static final String NAME_TAKEN = "用户名已注册！";
  public static final String PASSWORDS_DIFFER = "两次密码不一致！";
  public static final String USER_CREATED = "新增用户成功！";
  // login
  public static final String USER_NOT_FOUND = "该用户不存在";
  public static final String WRONG_PASSWORD = "密码不正确";
  public static final String LOGGED_IN = "登录成功";
  // update / delete
  public static final String UPDATE_INVALID = "修改参数不匹配！";
  public static final String USER_UPDATED = "修改用户成功！";
  public static final String USER_DELETED = "删除用户成功！";
  // friends
  public static final String CANNOT_ADD_SELF = "不能加自己";
  public static final String ALREADY_FRIENDS = "不能重复添加";
  public static final String FRIEND_NOT_FOUND = "没有找到此用户";
  public static final String FRIEND_NAME_EMPTY = "好友ID不能为空";
  public static final String FRIEND_ADDED = "添加好友成功";
  // groups
  public static final String GROUP_NAME_EMPTY = "群名称不能为空";
  public static final String PLEASE_LOG_IN = "请先登录";
  public static final String GROUP_CREATED = "建群成功";
  public static final String GROUP_NOT_FOUND = "没有找到群";
  public static final String ALREADY_MEMBER = "已加过此群";
  public static final String GROUP_JOINED = "加群成功";
  public static final String GROUPS_LOADED = "查询成功";
  // upload
  public static final String UPLOADED = "发送图片成功";
  // generic
  public static final String OK = "ok";

  // michat's own
  public static final String GROUP_NAME_TAKEN = "a group with this name already exists";
  public static final String GROUP_FULL = "the group is full";
  public static final String GROUP_UPDATED = "group updated";
  public static final String NOT_GROUP_OWNER = "only the group's owner can change it";
  public static final String TOO_MANY_CONNECTIONS = "too many chat connections";
  public static final String NOT_AUTHENTICATED = "please log in: missing, invalid or expired session token";
  public static final String SESSION_ENDED = "your session has ended (logged out, password changed or account deleted): please log in again";
  public static final String CURRENT_PASSWORD_REQUIRED = "修改密码需要提供当前密码";
  public static final String CURRENT_PASSWORD_WRONG = "当前密码不正确";
  public static final String CROSS_SITE = "refused: this request came from another site's page";
  public static final String NOT_YOURSELF = "you can only read or change your own data";
  public static final String INTERNAL_ERROR = "internal error, please try again";
  public static final String TOO_MANY_UPLOADS = "too many uploads at once: wait for one to finish";
  public static final String BODY_TOO_LARGE = "request body too large";
  public static final String NOT_FOUND = "not found";

  // accounts, michat's own in the seed's language (its users read Chinese)
  /** Unknown name and wrong password alike, so that login does not reveal which names exist. */
  public static final String LOGIN_FAILED = "用户名或密码不正确";
  private static final String TOO_MANY_ATTEMPTS = "尝试次数过多，请 %d 秒后再试";
  private static final String BUSY = "服务器繁忙，请 %d 秒后再试";

  /** Failed logins or registrations are throttled: "too many attempts, try again in N seconds". */
  public static String tooManyAttempts(long seconds) {
    return String.format(TOO_MANY_ATTEMPTS, seconds);
  }

  /** The password-hashing queue is full: "server busy, try again in N seconds". */
  public static String busy(long seconds) {
    return String.format(BUSY, seconds);
  }
}
