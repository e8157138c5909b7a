package michat.ginchat;

import michat.contract.Refusal;
import michat.contract.Refusal.Refused;

/**
 * The strings ginchat clients show to users, and the words for each {@link Refusal} a service
 * answers with: only the edges (web routes, gateway) use this class. Every sentence a user can meet
 * is in the ginchat clients' language, Chinese: the original project's own strings byte for byte where
 * it had one, michat's own for what the original never checked.
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
      case GROUP_FULL -> arg == null ? GROUP_FULL : GROUP_FULL + "（最多 " + arg + " 人）";
      case NOT_GROUP_OWNER -> NOT_GROUP_OWNER;
      case CALLER_UNKNOWN -> PLEASE_LOG_IN;
      case NOT_YOUR_CONVERSATION -> NOT_YOURSELF;
      case NOT_A_MEMBER -> NOT_A_MEMBER;
      case NOT_AUTHENTICATED -> NOT_AUTHENTICATED;
      case SESSION_ENDED -> SESSION_ENDED;
      case NOT_A_SERVICE_ACCOUNT -> "仅限运营者指定的服务账号";   // only v1 services meet it: for the accounts the operator lists
      case TEXT_TOO_LONG -> tooLong(arg);
      case TEXT_UNREADABLE -> String.format(TEXT_UNREADABLE, field(arg));
      case MEDIA_URL_INVALID -> String.format(MEDIA_URL_INVALID, field(arg));
    };
  }

  /** "name 64": the field's words and its most characters. */
  private static String tooLong(String arg) {
    String[] parts = arg == null ? new String[0] : arg.split(" ", 2);
    String max = parts.length == 2 && parts[1].matches("\\d{1,9}") ? parts[1] : "?";
    return String.format(TEXT_TOO_LONG, field(parts.length > 0 ? parts[0] : null), max);
  }

  /** The words for a request field named in a refusal. */
  private static String field(String name) {
    return switch (name == null ? "" : name) {
      case "name" -> "名称";
      case "password" -> "密码";
      case "icon" -> "头像";
      case "desc" -> "描述";
      default -> "输入";
    };
  }

  /** A parameter that must be a positive id got something else. */
  public static String notAnId(String param, String got) {
    return "参数 " + param + " 必须是正整数（收到 '" + got + "'）";
  }

  /** A parameter that must be a whole number got something else. */
  public static String notANumber(String param, String got) {
    return "参数 " + param + " 必须是整数（收到 '" + got + "'）";
  }

  /** A parameter that must be true or false got something else. */
  public static String notABoolean(String param, String got) {
    return "参数 " + param + " 必须是 true 或 false（收到 '" + got + "'）";
  }

  public static String missing(String param) {
    return "缺少参数 " + param;
  }

  /** An upload larger than the limit, said in MB (or KB for small limits). */
  public static String fileTooLarge(long maxBytes) {
    return "文件不能超过 " + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MB" : Math.max(1, maxBytes >> 10) + " KB");
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
  public static final String GROUP_NAME_TAKEN = "群名称已存在";
  public static final String GROUP_FULL = "群成员已满";
  public static final String GROUP_UPDATED = "修改群成功";
  public static final String NOT_GROUP_OWNER = "只有群主可以修改群资料";
  public static final String TOO_MANY_CONNECTIONS = "聊天连接过多";
  /** The original's words for "not signed in", for every missing, invalid or expired session. */
  public static final String NOT_AUTHENTICATED = PLEASE_LOG_IN;
  public static final String SESSION_ENDED = "登录已失效（已退出、修改了密码或注销了账号），请重新登录";
  public static final String CURRENT_PASSWORD_REQUIRED = "修改密码需要提供当前密码";
  public static final String CURRENT_PASSWORD_WRONG = "当前密码不正确";
  public static final String CROSS_SITE = "已拒绝：请求来自其他网站的页面";
  public static final String NOT_YOURSELF = "只能查看或修改自己的数据";
  public static final String NOT_A_MEMBER = "你不是该群的成员";
  public static final String TOO_MANY_UPLOADS = "同时上传的文件过多，请等上一个完成";
  public static final String BODY_TOO_LARGE = "请求内容过大";
  public static final String BODY_NOT_JSON = "请求内容不是 JSON 对象";
  public static final String NOT_FOUND = "未找到";
  public static final String BAD_REQUEST = "请求无效";
  public static final String UNAVAILABLE = "服务暂时不可用，请稍后再试";
  public static final String SESSIONS_UNCHECKED = "暂时无法验证登录，请几秒后重新连接";
  public static final String INTERNAL_ERROR = "服务器内部错误，请稍后再试";
  public static final String NO_FILE = "请选择要上传的文件";
  public static final String EMPTY_FILE = "文件是空的";
  public static final String NOT_MEDIA = "只能发送图片（png、jpg、gif、webp、bmp）或语音（mp3、wav、ogg、m4a、aac、webm、amr）";
  private static final String TEXT_TOO_LONG = "%s最多 %s 个字符";
  private static final String TEXT_UNREADABLE = "%s含有无法识别的字符或控制字符";
  private static final String MEDIA_URL_INVALID = "%s必须是本站的图片或允许的图片网址";

  // accounts, michat's own, in the ginchat clients' language (their users read Chinese)
  /** Unknown name and wrong password alike, so that login does not reveal which names exist. */
  public static final String LOGIN_FAILED = "用户名或密码不正确";
  private static final String TOO_MANY_ATTEMPTS = "尝试次数过多，请 %d 秒后再试";
  private static final String BUSY = "服务器繁忙，请 %d 秒后再试";

}
