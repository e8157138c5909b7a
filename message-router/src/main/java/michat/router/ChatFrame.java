package michat.router;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import michat.model.MediaUrls;

/**
 * A client's chat message, validated. Keys are matched case-insensitively as ginchat clients send
 * them in several spellings; the payload keeps the client's own keys, with the sender forced to the
 * authenticated user, so recipients get what the sender sent and nobody can speak as someone else.
 */
public record ChatFrame(int type, long targetId, int media, String content, String url, int amount,
                        String clientMsgId, String payload) {
  public static final int PRIVATE = 1;
  public static final int GROUP = 2;
  public static final int HEARTBEAT = 3;
  /** The payload column holds at most this many characters. */
  static final int MAX_PAYLOAD_CHARS = 9000;
  static final int MAX_URL_CHARS = MediaUrls.MAX_CHARS;
  static final int MAX_CLIENT_ID_CHARS = 64;

  public static ChatFrame parse(JsonObject raw, long senderId, int maxContentBytes, MediaUrls mediaUrls) {
    Map<String, Object> fields = new java.util.HashMap<>();
    for (Map.Entry<String, Object> e : raw) {
      fields.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
    }
    int type = intField(fields, "type");
    if (type != PRIVATE && type != GROUP) {
      throw new Rejection(Rejection.UNKNOWN_TYPE, "Type must be 1 (private) or 2 (group), got " + fields.get("type"));
    }
    Object target = fields.get("targetid");
    if (target == null || "".equals(target)) {
      throw new Rejection(Rejection.MISSING_TARGET, "TargetId is required");
    }
    long targetId = longField(fields, "targetid");
    if (targetId <= 0) {
      throw new Rejection(Rejection.MISSING_TARGET, "TargetId must be a positive id");
    }
    int media = intField(fields, "media");
    if (media < 1 || media > 4) {
      throw new Rejection(Rejection.UNKNOWN_MEDIA, "Media must be 1 (text), 2 (sticker), 3 (voice) or 4 (image), got "
          + fields.get("media"));
    }
    String content = stringField(fields, "content");
    if (content.getBytes(StandardCharsets.UTF_8).length > maxContentBytes) {
      throw new Rejection(Rejection.TOO_LARGE, "Content is longer than " + maxContentBytes + " bytes");
    }
    String url = stringField(fields, "url");
    if (url.length() > MAX_URL_CHARS) {
      throw new Rejection(Rejection.TOO_LARGE, "url is longer than " + MAX_URL_CHARS + " characters");
    }
    // Recipients' browsers fetch it as soon as the conversation shows: a static file of this server only.
    mediaUrls.problem("url", url).ifPresent(problem -> {
      throw new Rejection(Rejection.BAD_URL, problem);
    });
    int amount = fields.get("amount") == null ? 0 : intField(fields, "amount");
    String clientMsgId = stringField(fields, "clientmsgid");
    if (clientMsgId.length() > MAX_CLIENT_ID_CHARS) {
      throw new Rejection(Rejection.TOO_LARGE, "clientMsgId is longer than " + MAX_CLIENT_ID_CHARS + " characters");
    }

    JsonObject payload = raw.copy();
    boolean hasSender = false;
    for (String key : raw.fieldNames()) {
      if (key.equalsIgnoreCase("userid")) {
        payload.put(key, senderId);
        hasSender = true;
      }
    }
    if (!hasSender) {
      payload.put("userId", senderId);
    }
    String text = payload.encode();
    if (text.length() > MAX_PAYLOAD_CHARS) {
      throw new Rejection(Rejection.TOO_LARGE, "the message is longer than " + MAX_PAYLOAD_CHARS + " characters");
    }
    return new ChatFrame(type, targetId, media, content, url, amount,
        clientMsgId.isEmpty() ? null : clientMsgId, text);
  }

  private static int intField(Map<String, Object> f, String name) {
    long v = longField(f, name);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new Rejection(Rejection.BAD_FIELD, name + " is out of range");
    }
    return (int) v;
  }

  private static long longField(Map<String, Object> f, String name) {
    Object v = f.get(name);
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 9e15) {
      return n.longValue();
    }
    if (v instanceof String s && s.matches("-?\\d{1,18}")) {
      return Long.parseLong(s);
    }
    throw new Rejection(Rejection.BAD_FIELD, fieldName(name) + " must be a whole number" + (v == null ? "" : ", got " + abbreviate(v)));
  }

  private static String stringField(Map<String, Object> f, String name) {
    Object v = f.get(name);
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      return s;
    }
    throw new Rejection(Rejection.BAD_FIELD, fieldName(name) + " must be a string");
  }

  private static String fieldName(String lower) {
    return switch (lower) {
      case "targetid" -> "TargetId";
      case "type" -> "Type";
      case "media" -> "Media";
      case "content" -> "Content";
      case "clientmsgid" -> "clientMsgId";
      default -> lower;
    };
  }

  private static String abbreviate(Object v) {
    String s = String.valueOf(v);
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
