package michat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the Vert.x internals {@link SocketTakeover} relies on, on a real Vert.x HTTP server upgraded the
 * way the gateway upgrades (request paused, upgraded in a later task, strict thread mode) and a real
 * Vert.x WebSocket client. When one of these fails after a Vert.x upgrade, read SocketTakeover's comment.
 */
class SocketTakeoverTest {
  private static final long TIMEOUT_S = 10;
  private final Vertx vertx = Vertx.vertx();
  /** Held: Vert.x closes the connections of a client that is garbage collected. */
  private final WebSocketClient client = vertx.createWebSocketClient();
  private final Flusher flusher = new Flusher(
      MichatMetrics.of(MichatConfig.load(null, Map.of()).with(ConfigKeys.NODE_ID, "takeover-test", "test")));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** What the server side saw of one taken-over socket. */
  private static final class Seen {
    final CompletableFuture<Void> takenOver = new CompletableFuture<>();
    final CompletableFuture<String> firstText = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    volatile boolean vertxSocketClosed;
    volatile boolean vertxCloseHandlerCalled;
    volatile List<String> pipeline;
  }

  @Test
  void aSocketUpgradedFromTheServersOwnRequestIsTakenOverAndCarriesFramesBothWays() throws Exception {
    Seen seen = new Seen();
    int port = listen(req -> {
      req.pause();   // as the gateway does while it checks the token
      vertx.setTimer(1, id -> req.toWebSocket().onSuccess(ws -> takeOver(ws, seen)));
    });

    CompletableFuture<String> echoed = new CompletableFuture<>();
    CompletableFuture<Short> closeStatus = new CompletableFuture<>();
    WebSocket clientSide = await(client.connect(port, "127.0.0.1", "/chat").onSuccess(ws -> {
      ws.textMessageHandler(echoed::complete);
      ws.closeHandler(v -> closeStatus.complete(ws.closeStatusCode()));
      ws.writeTextMessage("first");   // at once: the takeover must come before anything more is read
    }));

    within(seen.takenOver, "SocketTakeover: the upgraded socket was not taken over");
    assertEquals("first",
        within(seen.firstText, "SocketTakeover: the first frame after the upgrade did not reach michat's handler"));
    assertEquals("echo:first",
        within(echoed, "SocketTakeover: a frame written by michat's handler did not reach the client"));
    assertTrue(seen.pipeline.contains(SocketTakeover.HANDLER_NAME),
        "SocketTakeover: michat's handler is not on the pipeline: " + seen.pipeline);
    assertTrue(seen.vertxSocketClosed && seen.vertxCloseHandlerCalled,
        "SocketTakeover: Vert.x's side of the socket was not released (its WebSocket still open)");

    await(clientSide.close((short) 4000, "bye"));
    within(seen.closed, "SocketTakeover: michat's handler did not see the client's close");
    assertEquals((short) 4000, within(closeStatus, "SocketTakeover: the client's close frame was not answered"));
  }

  /** Why chat upgrades are dispatched before vertx-web's router (ChatGateway.takesUpgrade). */
  @Test
  void aSocketUpgradedThroughTheRoutersRequestCannotBeTakenOver() throws Exception {
    CompletableFuture<Throwable> refused = new CompletableFuture<>();
    Router router = Router.router(vertx);
    router.get("/chat").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      try {
        SocketTakeover.takeOver(ws, new ChatSocket(4096, flusher));
        refused.complete(null);
      } catch (RuntimeException e) {
        refused.complete(e);
        ws.close();
      }
    }));
    int port = listen(router::handle);
    await(client.connect(port, "127.0.0.1", "/chat"));

    Throwable e = within(refused, "SocketTakeover: the router's socket was not handed to the takeover");
    assertTrue(e instanceof IllegalArgumentException,
        "SocketTakeover: a socket upgraded through vertx-web's router is now Vert.x's own; the pre-router"
            + " dispatch (HttpVerticle.dispatch, ChatGateway.takesUpgrade) may go: " + e);
  }

  private void takeOver(ServerWebSocket ws, Seen seen) {
    ws.closeHandler(v -> seen.vertxCloseHandlerCalled = true);
    ChatSocket socket;
    try {
      socket = SocketTakeover.takeOver(ws, new ChatSocket(4096, flusher));
    } catch (RuntimeException e) {
      seen.takenOver.completeExceptionally(e);
      return;
    }
    seen.takenOver.complete(null);
    seen.vertxSocketClosed = ws.isClosed();
    seen.pipeline = List.copyOf(
        ((WebSocketInternal) ws).channelHandlerContext().pipeline().names());
    socket.listen(new ChatSocket.Listener() {
      @Override
      public void onText(String text) {
        seen.firstText.complete(text);
        socket.write("echo:" + text);
      }

      @Override
      public void onBinary() {
      }

      @Override
      public void onWritable() {
      }

      @Override
      public void onClosed() {
        seen.closed.complete(null);
      }
    });
  }

  /** A server configured like the gateway's HTTP server in the parts the takeover meets. */
  private int listen(Handler<HttpServerRequest> handler) throws Exception {
    Promise<HttpServer> started = Promise.promise();
    vertx.runOnContext(v -> vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true)
            .setHttp2ClearTextEnabled(false).setMaxWebSocketFrameSize(4096).setMaxWebSocketMessageSize(4096))
        .requestHandler(handler).listen(0, "127.0.0.1").onComplete(started));
    return await(started.future()).actualPort();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** The value, or a failure saying {@code what} (and why, when the future failed) rather than a bare timeout. */
  private static <T> T within(CompletableFuture<T> future, String what) throws InterruptedException {
    try {
      return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return fail(what + ": " + e.getCause());
    } catch (TimeoutException e) {
      return fail(what + " within " + TIMEOUT_S + " s");
    }
  }
}
