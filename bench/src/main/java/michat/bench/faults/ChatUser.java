package michat.bench.faults;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A user's protocol-2 client as michat's own web client behaves: it re-sends what had no answer yet
 * with the same clientMsgId after a reconnect, resumes each conversation from the last seq it
 * received, sends heartbeats, and reconnects by itself — to its own gateway, or to the other one
 * while its own does not answer, as a load balancer would send it.
 */
final class ChatUser {
  /** What a client hears, per message (sender side) and per delivery (recipient side). */
  interface Ledger {
    void outcome(String clientMsgId, String outcome);

    void delivered(String clientMsgId, long recipient);
  }

  private static final long RETRY_MS = 500;
  private static final long HEARTBEAT_MS = 5_000;

  final String name;
  final Api.User account;
  final long id;
  private final String token;
  private final int home;
  private final int other;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final Ledger ledger;
  private final Map<String, Long> cursors = new ConcurrentHashMap<>();
  /** Sent and not answered yet, in sending order: re-sent after a reconnect. */
  private final Map<String, String> unanswered = new LinkedHashMap<>();
  private volatile WebSocket ws;
  private volatile int port;
  private volatile boolean stopped;
  private volatile int failedAttempts;

  ChatUser(String name, Api.User user, int home, int other, Vertx vertx, WebSocketClient client, Ledger ledger) {
    this.name = name;
    this.account = user;
    this.id = user.id();
    this.token = user.token();
    this.home = home;
    this.other = other;
    this.port = home;
    this.vertx = vertx;
    this.client = client;
    this.ledger = ledger;
    vertx.setPeriodic(HEARTBEAT_MS, t -> heartbeat());
  }

  /** Connects to its own gateway and waits for it. */
  void open() throws Exception {
    WebSocket socket = client.connect(options(home)).await(30, TimeUnit.SECONDS);
    opened(socket);
  }

  boolean connected() {
    return ws != null;
  }

  boolean atHome() {
    return port == home;
  }

  /** Sends a message; kept until its outcome comes, and sent again on the next connection if none does. */
  void send(String clientMsgId, String frame) {
    synchronized (unanswered) {
      unanswered.put(clientMsgId, frame);
    }
    WebSocket socket = ws;
    if (socket != null) {
      socket.writeTextMessage(frame);
    }
  }

  /** Closes the connection; it reconnects, resuming, to its own gateway (the resume check, going home). */
  void reconnect() {
    failedAttempts = 0;
    port = home;
    WebSocket socket = ws;
    if (socket != null) {
      socket.close();
    }
  }

  void stop() {
    stopped = true;
    WebSocket socket = ws;
    if (socket != null) {
      socket.close();
    }
  }

  private WebSocketConnectOptions options(int toPort) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(toPort)
        .setURI("/chat?v=2&resume=1&token=" + token);
  }

  private void connect() {
    if (stopped) {
      return;
    }
    port = failedAttempts % 2 == 0 ? home : other;
    client.connect(options(port)).onSuccess(this::opened).onFailure(err -> retry());
  }

  private void retry() {
    failedAttempts++;
    vertx.setTimer(RETRY_MS, t -> connect());
  }

  private void opened(WebSocket socket) {
    failedAttempts = 0;
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> closed(socket));
    socket.exceptionHandler(err -> { });
    JsonObject resume = new JsonObject();
    cursors.forEach(resume::put);
    socket.writeTextMessage(new JsonObject().put("Type", "resume").put("cursors", resume).encode());
    ws = socket;
    List<String> again;
    synchronized (unanswered) {
      again = new ArrayList<>(unanswered.values());
    }
    again.forEach(socket::writeTextMessage);
  }

  private void closed(WebSocket socket) {
    if (ws == socket) {
      ws = null;
    }
    if (!stopped) {
      vertx.setTimer(RETRY_MS, t -> connect());
    }
  }

  private void onText(String text) {
    if (!text.startsWith("{")) {
      return;   // the welcome line
    }
    JsonObject frame = new JsonObject(text);
    Object type = frame.getValue("Type");
    String clientMsgId = frame.getString("clientMsgId");
    if ("ack".equals(type) || Integer.valueOf(-1).equals(type)) {
      if (clientMsgId == null) {
        System.err.println("[faults] " + name + " got " + text);
        return;
      }
      synchronized (unanswered) {
        unanswered.remove(clientMsgId);
      }
      ledger.outcome(clientMsgId, "ack".equals(type) ? "ack" : frame.getString("Error"));
    } else if ("msg".equals(type) && !frame.getBoolean("copy", false)) {
      cursors.merge(frame.getString("conversation"), frame.getLong("seq"), Math::max);
      ledger.delivered(frame.getJsonObject("message").getString("Content"), id);
    }
  }

  private void heartbeat() {
    WebSocket socket = ws;
    if (socket != null) {
      socket.writeTextMessage(new JsonObject().put("TargetId", 0).put("Type", 3).put("CreateTime", System.currentTimeMillis())
          .put("userId", id).put("Media", -1).put("Content", "心跳").encode());
    }
  }
}
