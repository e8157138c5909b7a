package michat.gateway;

import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The text frames the gateway itself writes, and its close codes (docs/protocol.md). */
public final class Frames {
  private Frames() {}

  /** Sent on connect, as the seed does (not JSON: clients show frames without '}' as text). */
  public static final String WELCOME = "欢迎进入聊天系统";

  /** Closed after no frame for longer than heartbeat.maxIdleSeconds. */
  public static final short CLOSE_IDLE = 4000;
  /** Closed because the client did not read fast enough and its queue filled up. */
  public static final short CLOSE_TOO_SLOW = 4001;
  /** The server is shutting down: reconnect (to another node). */
  public static final short CLOSE_GOING_AWAY = 1001;

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * An error about a frame the client sent. {@code Type} -1 is neither private, group nor heartbeat,
   * so the seed's clients ignore it; {@code Ref} echoes the offending frame's {@code CreateTime}.
   */
  public static String error(String code, String message, Object ref) {
    return new JsonObject().put("Type", -1).put("Error", code).put("Msg", message).put("Ref", ref).encode();
  }

  /** A payload of the seed's pub/sub socket, as {@code /user/sendMsg} clients expect it. */
  public static String channel(String payload, LocalDateTime now) {
    return "[ws][" + STAMP.format(now) + "]:" + payload;
  }
}
