package michat.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.LinkedHashMap;
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
    // Only top-level keys change: a shallow copy keeps the frame as it was without copying nested values.
    JsonObject payload = new JsonObject(new LinkedHashMap<>(clientFrame.getMap()));
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
   * else: what the router checks of a payload built by a gateway it cannot trust blindly. Read as a
   * stream of tokens, not into a tree (it runs for every message); a key repeated in one object must
   * name the sender every time, since readers differ in which repeat they keep.
   */
  public static boolean isFrom(String payload, long senderId) {
    try (JsonParser p = JacksonCodec.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      boolean named = false;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return false;   // cut short (the parser would say so too)
        }
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (key.equalsIgnoreCase(SENDER)) {
          if (!isNumber(p, value, senderId)) {
            return false;
          }
          named = true;
        } else {
          p.skipChildren();
        }
      }
      return named && p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;   // not JSON, or cut short
    }
  }

  /** The number {@code id} as JSON writes it: an integer, or a decimal without fraction (7.0). */
  private static boolean isNumber(JsonParser p, JsonToken value, long id) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() != JsonParser.NumberType.BIG_INTEGER && p.getLongValue() == id;
    }
    return value == JsonToken.VALUE_NUMBER_FLOAT && p.getDoubleValue() == id && (long) p.getDoubleValue() == id;
  }
}
