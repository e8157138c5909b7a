package michat.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * The stored and delivered form of a chat message: the client's JSON object as sent (same keys, same
 * spelling, so recipients get what the sender sent), with every {@code userId} key — in any spelling,
 * as ginchat clients match keys case-insensitively — set to the authenticated sender, so nobody can
 * speak as someone else.
 */
public final class MessagePayload {
  static final String SENDER = "userId";

  private MessagePayload() {}

  /** The payload of {@code clientFrame} sent by {@code senderId}; the frame itself is not changed. */
  public static String of(JsonObject clientFrame, long senderId) {
    JsonObject payload = clientFrame.copy();
    boolean named = false;
    for (String key : clientFrame.fieldNames()) {
      if (key.equalsIgnoreCase(SENDER)) {
        payload.put(key, senderId);
        named = true;
      }
    }
    if (!named) {
      payload.put(SENDER, senderId);
    }
    return payload.encode();
  }

  /**
   * A text field of a stored payload as the gateway read it from the client's frame: the first key
   * spelled {@code lowerName} in any case, "" when there is none (or it is not text). The store keeps
   * content and url only here, not in columns of their own.
   */
  public static String text(String payload, String lowerName) {
    for (Map.Entry<String, Object> e : new JsonObject(payload)) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(lowerName)) {
        return e.getValue() instanceof String s ? s : "";
      }
    }
    return "";
  }

  /**
   * Whether {@code payload} is a JSON object that names {@code senderId} as its sender and nobody
   * else: what the router checks of a payload built by a gateway it cannot trust blindly.
   */
  public static boolean isFrom(String payload, long senderId) {
    JsonObject json;
    try {
      json = new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
    boolean named = false;
    for (Map.Entry<String, Object> e : json) {
      if (e.getKey().equalsIgnoreCase(SENDER)) {
        if (!(e.getValue() instanceof Number n) || n.longValue() != senderId || n.doubleValue() != senderId) {
          return false;
        }
        named = true;
      }
    }
    return named;
  }
}
