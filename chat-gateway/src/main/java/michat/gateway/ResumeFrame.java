package michat.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import michat.model.Conversations;

/**
 * Protocol v2's {@code {"Type":"resume","cursors":{conversation: seq}}}: the first frame of a
 * connection opened with {@code resume=1} (docs/protocol.md, "Acknowledging and resuming").
 */
final class ResumeFrame {
  private ResumeFrame() {}

  /** How long a connection opened with resume=1 waits for its resume frame before the saved cursors apply. */
  static final long WAIT_MS = 10_000;
  /** The most conversations one resume frame may list. */
  static final int MAX_CURSORS = 10_000;

  static boolean is(JsonObject frame) {
    return "resume".equals(frame.getValue("Type"));
  }

  /** Fills {@code out} from the frame's cursors; returns why they are unusable, or null. */
  static String read(JsonObject frame, Map<String, Long> out) {
    if (!(frame.getValue("cursors") instanceof JsonObject cursors)) {
      return "cursors must be an object of conversation: seq";
    }
    if (cursors.size() > MAX_CURSORS) {
      return "at most " + MAX_CURSORS + " cursors";
    }
    for (String conversation : cursors.fieldNames()) {
      Object seq = cursors.getValue(conversation);
      if (!Conversations.isWellFormed(conversation) || !(seq instanceof Integer || seq instanceof Long)
          || ((Number) seq).longValue() < 0) {
        return "bad cursor " + conversation + ": " + seq;
      }
      out.put(conversation, ((Number) seq).longValue());
    }
    return null;
  }
}
