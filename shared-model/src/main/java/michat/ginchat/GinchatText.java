package michat.ginchat;

import michat.contract.Refusal;
import michat.contract.Refusal.Refused;

/**
 * The strings ginchat clients show to users, and the words for each {@link Refusal} a service
 * answers with: only the edges (web routes, gateway) use this class. The Chinese ones are the original
 * ginchat project's, byte for byte; the English ones are michat's own, for input the original never
 * checked.
 */
public final class GinchatText {
  private GinchatText() {}

  /** What a ginchat client shows for a failure: a refusal's sentence, else the failure's own message. */
  public static String of(Throwable failure) {
    return Refusal.of(failure).map(GinchatText::of).orElseGet(failure::getMessage);
  }

  /** The sentence of a refusal; the switch has a case for every reason, so a new one must get words here. */
  public static String of(Refused refused) {
    String arg = refused.argument();
    return switch (refused.reason()) {
      case FIELDS_EMPTY -> NAME_OR_PASSWORD_EMPTY;
      case NAME_TAKEN -> NAME_TAKEN;
      case PASSWORDS_DIFFER -> PASSWORDS_DIFFER;
      case LOGIN_FAILED -> LOGIN_FAILED;
      case USER_NOT_FOUND -> USER_NOT_FOUND;
      case PROFILE_INVALID -> UPDATE_INVALID;
      case CURRENT_PASSWORD_REQUIRED -> CURRENT_PASSWORD_REQUIRED;
      case CURRENT_PASSWORD_WRONG -> CURRENT_PASSWORD_WRONG;
      case TOO_MANY_ATTEMPTS -> String.format(TOO_MANY_ATTEMPTS, seconds(arg));
      case BUSY -> String.format(BUSY, seconds(arg));
      case FRIEND_NAME_EMPTY -> FRIEND_NAME_EMPTY;
      case FRIEND_NOT_FOUND -> FRIEND_NOT_FOUND;
      case CANNOT_ADD_SELF -> CANNOT_ADD_SELF;
      case ALREADY_FRIENDS -> ALREADY_FRIENDS;
      case GROUP_NAME_EMPTY -> GROUP_NAME_EMPTY;
      case GROUP_NAME_TAKEN -> GROUP_NAME_TAKEN;
      case GROUP_NOT_FOUND -> GROUP_NOT_FOUND;
      case ALREADY_MEMBER -> ALREADY_MEMBER;
      case GROUP_FULL -> arg == null ? GROUP_FULL : GROUP_FULL + " (" + arg + ")";
      case NOT_GROUP_OWNER -> NOT_GROUP_OWNER;
      case CALLER_UNKNOWN -> PLEASE_LOG_IN;
      case NOT_YOUR_CONVERSATION -> NOT_YOURSELF;
      case NOT_A_MEMBER -> NOT_A_MEMBER;
      case NOT_AUTHENTICATED -> NOT_AUTHENTICATED;
      case SESSION_ENDED -> SESSION_ENDED;
      case INVALID -> arg == null ? "invalid input" : arg;
    };
  }

  private static long seconds(String arg) {
    return arg != null && arg.matches("\\d{1,9}") ? Long.parseLong(arg) : 1;
  }

  // register
  public static final String NAME_OR_PASSWORD_EMPTY = "用户名或密码不能为空！";
  public static final String NAME_TAKEN = "用户名已注册！";
  public static final String PASSWORDS_DIFFER = "两次密码不一致！";
  public static final String USER_CREATED = "新增用户成功！";
  // login
  public static final String USER_NOT_FOUND = "该用户不存在";
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
  public static final String NOT_A_MEMBER = "you are not a member of this group";
  public static final String TOO_MANY_UPLOADS = "too many uploads at once: wait for one to finish";
  public static final String BODY_TOO_LARGE = "request body too large";
  public static final String NOT_FOUND = "not found";

  // accounts, michat's own, in the ginchat clients' language (their users read Chinese)
  /** Unknown name and wrong password alike, so that login does not reveal which names exist. */
  public static final String LOGIN_FAILED = "用户名或密码不正确";
  private static final String TOO_MANY_ATTEMPTS = "尝试次数过多，请 %d 秒后再试";
  private static final String BUSY = "服务器繁忙，请 %d 秒后再试";

}
