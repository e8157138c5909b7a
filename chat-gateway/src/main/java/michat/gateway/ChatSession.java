package michat.gateway;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of a user. Writes go through a bounded queue with Vert.x back-pressure:
 * while the socket's write queue is full, frames wait here; when more than {@code maxQueued} wait,
 * the client is too slow and is closed ({@link Frames#CLOSE_TOO_SLOW}) — what it missed stays in
 * history for catch-up. Chat messages are deduplicated and kept in order per conversation: live ones
 * that arrive while the offline backlog is being fetched wait for it.
 * Used only from the event loop of the gateway instance that accepted the socket.
 */
final class ChatSession {
  private static final Logger LOG = LoggerFactory.getLogger(ChatSession.class);
  private record Delivery(String conversation, long seq, String frame) {}

  final String id;
  final long userId;
  final ServerWebSocket socket;
  private final int maxQueued;
  private final java.util.function.Consumer<ChatSession> onServerClose;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Map<String, Long> delivered = new HashMap<>();
  private final Map<String, Long> unflushed = new HashMap<>();
  private List<Delivery> heldForCatchUp = new ArrayList<>();
  private long lastSeen = System.currentTimeMillis();
  private boolean closed;

  /**
   * {@code onServerClose} runs as soon as the server decides to close the session: the closing
   * handshake with a client that does not read can take long, its user must not look online meanwhile.
   */
  ChatSession(String id, long userId, ServerWebSocket socket, int maxQueued,
              java.util.function.Consumer<ChatSession> onServerClose) {
    this.id = id;
    this.userId = userId;
    this.socket = socket;
    this.maxQueued = maxQueued;
    this.onServerClose = onServerClose;
    socket.drainHandler(v -> drain());
  }

  void touch() {
    lastSeen = System.currentTimeMillis();
  }

  long lastSeen() {
    return lastSeen;
  }

  boolean isClosed() {
    return closed;
  }

  /** A chat message; dropped when this session already has it (same conversation, same or lower seq). */
  void deliver(String conversation, long seq, String frame) {
    if (heldForCatchUp != null) {
      heldForCatchUp.add(new Delivery(conversation, seq, frame));
      return;
    }
    Long last = delivered.get(conversation);
    if (last != null && seq <= last) {
      return;
    }
    delivered.put(conversation, seq);
    unflushed.put(conversation, seq);
    send(frame);
  }

  /** The offline backlog, oldest first; then whatever arrived live meanwhile. */
  void finishCatchUp(List<JsonObject> backlog) {
    List<Delivery> held = heldForCatchUp;
    heldForCatchUp = null;
    for (JsonObject m : backlog) {
      deliver(m.getString("conversation"), m.getLong("seq"), m.getString("frame"));
    }
    held.forEach(d -> deliver(d.conversation, d.seq, d.frame));
  }

  /** Cursors delivered since the last call, to persist; the session keeps its own copy for dedup. */
  Map<String, Long> takeCursors() {
    Map<String, Long> out = new HashMap<>(unflushed);
    unflushed.clear();
    return out;
  }

  void send(String text) {
    if (closed) {
      return;
    }
    if (!queue.isEmpty() || socket.writeQueueFull()) {
      if (queue.size() >= maxQueued) {
        LOG.info("closing session {} of user {}: it does not read ({} frames waiting)", id, userId, maxQueued);
        close(Frames.CLOSE_TOO_SLOW, "too slow: " + maxQueued + " frames waiting");
        return;
      }
      queue.add(text);
      return;
    }
    socket.writeTextMessage(text);
  }

  private void drain() {
    while (!closed && !queue.isEmpty() && !socket.writeQueueFull()) {
      socket.writeTextMessage(queue.poll());
    }
  }

  void close(short code, String reason) {
    if (!closed) {
      closed = true;
      queue.clear();
      socket.close(code, reason);
      onServerClose.accept(this);
    }
  }

  /** Called when the socket is gone, whoever closed it. */
  void closed() {
    closed = true;
    queue.clear();
  }
}
