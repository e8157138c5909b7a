package michat.gateway;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import michat.contract.Caller;
import michat.contract.Rejection;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Signal;
import michat.contract.RouterApi.SignalKind;
import michat.model.Conversations;
import michat.model.MediaUrls;
import michat.model.MessagePayload;

/**
 * Reads what clients send on the chat socket into michat's typed messages: the ginchat dialect ends
 * here. Keys of chat messages are matched case-insensitively, as ginchat clients send them in several
 * spellings ({@code TargetId}, {@code targetId}…); v2 signals use the exact keys of docs/protocol.md.
 * What the router checks against its configuration (content size, media URLs) it checks itself.
 */
final class ChatFrames {
  static final int HEARTBEAT = 3;

  private ChatFrames() {}

  /** The chat message of a private or group frame; a {@link Rejection} says what is wrong with it. */
  static ChatMessage message(JsonObject raw, long senderId) {
    Map<String, Object> fields = new HashMap<>();
    for (Map.Entry<String, Object> e : raw) {
      fields.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
    }
    int type = intField(fields, "type");
    if (type != ChatMessage.PRIVATE && type != ChatMessage.GROUP) {
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
    String url = stringField(fields, "url");
    if (url.length() > MediaUrls.MAX_CHARS) {
      throw new Rejection(Rejection.TOO_LARGE, "url is longer than " + MediaUrls.MAX_CHARS + " characters");
    }
    int amount = fields.get("amount") == null ? 0 : intField(fields, "amount");
    if (amount < 0) {
      throw new Rejection(Rejection.BAD_FIELD, "amount must not be negative");
    }
    String clientMsgId = stringField(fields, "clientmsgid");
    if (clientMsgId.length() > ChatMessage.MAX_CLIENT_ID_CHARS) {
      throw new Rejection(Rejection.TOO_LARGE, "clientMsgId is longer than " + ChatMessage.MAX_CLIENT_ID_CHARS + " characters");
    }
    String payload = MessagePayload.of(raw, senderId);
    if (payload.length() > ChatMessage.MAX_PAYLOAD_CHARS) {
      throw new Rejection(Rejection.TOO_LARGE, "the message is longer than " + ChatMessage.MAX_PAYLOAD_CHARS + " characters");
    }
    return new ChatMessage(type, targetId, media, content, url, amount, clientMsgId.isEmpty() ? null : clientMsgId, payload);
  }

  /** Heartbeats refresh the session and the user's presence; they are not messages. */
  static boolean isHeartbeat(JsonObject frame) {
    Object type = field(frame, "type");
    return type instanceof Number n && n.intValue() == HEARTBEAT && n.doubleValue() == HEARTBEAT;
  }

  /** The v2 signal kind a frame names in {@code Type}, or null for any other frame. */
  static SignalKind signalKind(JsonObject frame) {
    Object type = frame.getValue("Type");
    for (SignalKind kind : SignalKind.values()) {
      if (kind.name().equals(type)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * A v2 signal: typing names its target ({@code TargetId}, {@code targetType} 1 or 2), delivered and
   * read name the conversation and seq. A {@link Rejection} ({@code bad_field}) when malformed.
   */
  static Signal signal(SignalKind kind, JsonObject frame, Caller caller) {
    try {
      if (kind == SignalKind.typing) {
        long target = ((Number) frame.getValue("TargetId")).longValue();
        int targetType = ((Number) frame.getValue("targetType", ChatMessage.PRIVATE)).intValue();
        if (target <= 0 || targetType != ChatMessage.PRIVATE && targetType != ChatMessage.GROUP) {
          throw new ClassCastException();
        }
        String conversation = targetType == ChatMessage.GROUP
            ? Conversations.group(target) : Conversations.privateChat(caller.userId(), target);
        return new Signal(caller, kind, conversation, 0);
      }
      String conversation = (String) frame.getValue("conversation");
      long seq = ((Number) frame.getValue("seq")).longValue();
      if (!Conversations.isWellFormed(conversation) || seq < 0) {
        throw new ClassCastException();
      }
      return new Signal(caller, kind, conversation, seq);
    } catch (ClassCastException | NullPointerException e) {
      throw new Rejection(Rejection.BAD_FIELD,
          "typing needs TargetId (and targetType 1 or 2); delivered/read need conversation and seq");
    }
  }

  /** A field of a ginchat frame, whatever the spelling of its key; {@code lowerName} in lower case. */
  static Object field(JsonObject frame, String lowerName) {
    for (String key : frame.fieldNames()) {
      // Lower case never makes a key shorter: a key of another length cannot match (and costs no copy).
      if (key.length() == lowerName.length() && key.toLowerCase(Locale.ROOT).equals(lowerName)) {
        return frame.getValue(key);
      }
    }
    return null;
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
