package michat.gateway;

import michat.contract.RouterApi.Outcome;
import michat.contract.RouterApi.SignalKind;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The text frames the gateway itself writes, and its close codes (docs/protocol.md). */
public final class Frames {
  private Frames() {}

  /** Sent on connect, as the original does (not JSON: clients show frames without '}' as text). */
  public static final String WELCOME = "欢迎进入聊天系统";

  /** Closed after no frame for longer than heartbeat.maxIdleSeconds. */
  public static final short CLOSE_IDLE = 4000;
  /** Closed because the client did not read fast enough and its queue filled up. */
  public static final short CLOSE_TOO_SLOW = 4001;
  /** The session ended: logged out, password changed or account deleted. Log in again. */
  public static final short CLOSE_SESSION_ENDED = 4003;
  /** A message larger than gateway.maxFrameBytes. */
  public static final short CLOSE_TOO_BIG = 1009;
  /** The server is shutting down: reconnect (to another node). */
  public static final short CLOSE_GOING_AWAY = 1001;

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * An error about a frame the client sent. {@code Type} -1 is neither private, group nor heartbeat,
   * so ginchat clients ignore it; {@code Ref} echoes the offending frame's {@code CreateTime}.
   */
  public static String error(String code, String message, Object ref) {
    return error(code, message, ref, null);
  }

  /** The server refused more connections of this user or address (HTTP 429 before the upgrade). */
  public static final int TOO_MANY = 429;

  /**
   * v2: a delivered message with its place in the conversation. The stored payload (already JSON) is
   * embedded as is, not parsed again; conversation ids ({@code p:1:2}, {@code g:3}) need no escaping.
   */
  public static String message(String conversation, long seq, String payload) {
    return "{\"Type\":\"msg\",\"conversation\":\"" + conversation + "\",\"seq\":" + seq
        + ",\"message\":" + payload + "}";
  }

  /**
   * v2: a copy of a private message the user sent from another session. Marked, because it is not
   * addressed to this user: it does not count for the client's cursor of the conversation.
   */
  public static String copy(String conversation, long seq, String payload) {
    return "{\"Type\":\"msg\",\"copy\":true,\"conversation\":\"" + conversation + "\",\"seq\":" + seq
        + ",\"message\":" + payload + "}";
  }

  /** v2: the message was stored durably (or was already, for a re-sent clientMsgId). */
  public static String ack(Object clientMsgId, Outcome stored) {
    return new JsonObject().put("Type", "ack").put("clientMsgId", clientMsgId)
        .put("id", stored.id()).put("conversation", stored.conversation())
        .put("seq", stored.seq()).put("duplicate", stored.duplicate()).encode();
  }

  /** v2: a signal of user {@code from}; typing carries no seq. */
  public static String signal(SignalKind kind, long from, String conversation, long seq) {
    JsonObject out = new JsonObject().put("Type", kind.name()).put("userId", from).put("conversation", conversation);
    if (kind != SignalKind.typing) {
      out.put("seq", seq);
    }
    return out.encode();
  }

  /** An error frame; in v2 it also names the clientMsgId it refers to. */
  public static String error(String code, String message, Object ref, Object clientMsgId) {
    JsonObject e = new JsonObject().put("Type", -1).put("Error", code).put("Msg", message).put("Ref", ref);
    if (clientMsgId != null) {
      e.put("clientMsgId", clientMsgId);
    }
    return e.encode();
  }

  /** A payload of the ginchat pub/sub socket, as {@code /user/sendMsg} clients expect it. */
  public static String channel(String payload, LocalDateTime now) {
    return "[ws][" + STAMP.format(now) + "]:" + payload;
  }
}
