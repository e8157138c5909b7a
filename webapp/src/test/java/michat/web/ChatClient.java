package michat.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/** A real WebSocket client of the chat endpoint, with what it received queued for assertions. */
final class ChatClient implements AutoCloseable {
  final WebSocket socket;
  private final WebSocketClient client;
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
  volatile Short closeCode;
  private volatile boolean cut;

  private ChatClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> {
      if (!cut) {
        count.incrementAndGet();
        received.add(text);
      }
    });
    socket.closeHandler(v -> closeCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode());
  }

  static Future<ChatClient> connect(Vertx vertx, int port, String uri) {
    return connect(vertx, port, uri, new WebSocketClientOptions());
  }

  static Future<ChatClient> connect(Vertx vertx, int port, String uri, WebSocketClientOptions options) {
    WebSocketClient client = vertx.createWebSocketClient(options);
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
        .map(ws -> new ChatClient(client, ws))
        .onFailure(err -> client.close());
  }

  /** Connects with the token and consumes the welcome frame. */
  static ChatClient open(TestServer server, String token) {
    return open(server, token, new WebSocketClientOptions());
  }

  static ChatClient open(TestServer server, String token, WebSocketClientOptions options) {
    return openAt(server, "/chat?token=" + token, options);
  }

  /** A v2 connection of {@code user} (a login's data: ID, Identity), its welcome consumed. */
  static ChatClient openV2(TestServer server, JsonObject user) {
    return openV2(server, server.port, user);
  }

  /** The same on another HTTP port of the server's JVM (a second gateway node). */
  static ChatClient openV2(TestServer server, int port, JsonObject user) {
    ChatClient c = TestServer.await(connect(server.app.vertx(), port, "/chat?v=2&token=" + user.getString("Identity")));
    Assertions.assertEquals("欢迎进入聊天系统", c.next(), "the first frame is the welcome");
    return c;
  }

  /** A v1 connection that asks for its offline backlog ({@code backlog=1}) instead of reading history. */
  static ChatClient openWithBacklog(TestServer server, String token) {
    return openAt(server, "/chat?backlog=1&token=" + token, new WebSocketClientOptions());
  }

  private static ChatClient openAt(TestServer server, String uri, WebSocketClientOptions options) {
    ChatClient c = TestServer.await(connect(server.app.vertx(), server.port, uri, options));
    Assertions.assertEquals("欢迎进入聊天系统", c.next(), "the first frame is the seed's welcome");
    return c;
  }

  void send(JsonObject frame) {
    TestServer.await(socket.writeTextMessage(frame.encode()));
  }

  void sendText(String text) {
    TestServer.await(socket.writeTextMessage(text));
  }

  String next() {
    return next(10_000);
  }

  /** The next frame, or null when none comes within {@code timeoutMs}. */
  String poll(long timeoutMs) {
    try {
      return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String next(long timeoutMs) {
    try {
      String s = received.poll(timeoutMs, TimeUnit.MILLISECONDS);
      Assertions.assertNotNull(s, "expected a frame within " + timeoutMs + " ms");
      return s;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every frame received until none came for {@code quietMs} (at least 1 ms), oldest first. */
  java.util.List<String> drain(long quietMs) {
    java.util.List<String> frames = new java.util.ArrayList<>();
    try {
      String s;
      while ((s = received.poll(Math.max(1, quietMs), TimeUnit.MILLISECONDS)) != null) {
        frames.add(s);
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return frames;
  }

  JsonObject nextJson() {
    return new JsonObject(next());
  }

  /** The next frame must be an error frame with this code. */
  JsonObject nextError(String code) {
    JsonObject e = nextJson();
    Assertions.assertEquals(-1, e.getInteger("Type"), e.encode());
    Assertions.assertEquals(code, e.getString("Error"), e.encode());
    return e;
  }

  void expectNothing(long ms) {
    try {
      String s = received.poll(ms, TimeUnit.MILLISECONDS);
      Assertions.assertNull(s, "expected no frame, got " + s);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean awaitClosed(long ms) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (closeCode == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    return closeCode != null;
  }

  /**
   * The connection dies now: whatever arrives from here on is lost, as frames in flight are when a
   * network drops (what arrived before stays queued, to be drained); then it is closed.
   */
  void cut() {
    cut = true;
    close();
  }

  @Override
  public void close() {
    if (closeCode == null) {
      try {
        TestServer.await(socket.close());
      } catch (RuntimeException ignored) {
        // already closed by the server
      }
    }
    client.close();
  }
}
