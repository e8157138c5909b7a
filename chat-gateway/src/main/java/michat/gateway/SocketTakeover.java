package michat.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where michat reaches into Vert.x's internals for its chat sockets: after Vert.x has
 * upgraded a connection (the checks, the 101 response, the frame codec), the handler of Vert.x's
 * WebSocket on the Netty pipeline is replaced by michat's own ({@link ChatSocket}), and Vert.x's side is
 * told the connection is over.
 *
 * <p>Why: what Vert.x 5.0.7 keeps per WebSocket — its connection object with a multi-producer write
 * queue whose first chunk alone has 1,025 slots, the upgrade's HTTP connection, request, response and
 * handshaker — was over half of an idle session's heap. Taken over, an idle session needs <b>3.6 KB of
 * heap instead of 11.8 KB</b> (measured with 5,000 idle sessions, embedded store).
 *
 * <p>What it relies on, pinned by {@code SocketTakeoverTest}: a socket upgraded from the HTTP server's
 * own request is a {@link WebSocketInternal} exposing the context of Vert.x's handler, an inbound
 * handler behind Netty's WebSocket frame decoder and encoder; the upgrade completes on the
 * connection's event loop before anything more is read; calling that handler's {@code channelInactive}
 * releases Vert.x's side while the connection stays open. A socket upgraded through vertx-web's request
 * wrapper is wrapped too, hence chat upgrades are dispatched before the router
 * ({@link ChatGateway#takesUpgrade}).
 *
 * <p>When that test fails after a Vert.x upgrade: adapt this class to the new internals, or go back to
 * Vert.x's public {@link ServerWebSocket} API for chat sockets (as before commit 7d77dfa, "Gateway: chat
 * sockets are taken over from Vert.x") and accept the heap per session.
 */
final class SocketTakeover {
  private static final Logger LOG = LoggerFactory.getLogger(SocketTakeover.class);
  /** The name of michat's handler on a taken-over pipeline. */
  static final String HANDLER_NAME = "michat-chat-socket";

  private SocketTakeover() {}

  /**
   * Puts {@code handler} where Vert.x's handler of a socket just upgraded by Vert.x's own HTTP server
   * was, on the socket's event loop and in the same task as the upgrade (before anything more is read).
   *
   * @throws IllegalArgumentException for a socket that does not expose its channel (one upgraded
   *     through vertx-web's request wrapper)
   * @throws IllegalStateException off the socket's event loop, or when the pipeline is not laid out as
   *     this class expects (Vert.x's internals changed)
   */
  static <H extends ChannelHandler> H takeOver(ServerWebSocket ws, H handler) {
    if (!(ws instanceof WebSocketInternal internal)) {
      throw new IllegalArgumentException("SocketTakeover: not a socket of Vert.x's own HTTP server: "
          + ws.getClass().getName());
    }
    ChannelHandlerContext vertxContext = internal.channelHandlerContext();
    if (!vertxContext.executor().inEventLoop()) {
      throw new IllegalStateException("SocketTakeover: a socket is taken over on its own event loop only");
    }
    if (!(vertxContext.handler() instanceof ChannelInboundHandler vertxHandler)) {
      throw new IllegalStateException("SocketTakeover: Vert.x's WebSocket handler is not an inbound handler: "
          + vertxContext.handler());
    }
    ChannelPipeline pipeline = vertxContext.pipeline();
    if (pipeline.get(WebSocketFrameDecoder.class) == null || pipeline.get(WebSocketFrameEncoder.class) == null) {
      throw new IllegalStateException("SocketTakeover: no WebSocket frame codec on the upgraded pipeline: "
          + pipeline.names());
    }
    boolean open = vertxContext.channel().isActive();
    pipeline.replace(vertxHandler, HANDLER_NAME, handler);
    if (open) {
      // Vert.x's side of the socket ends as if the connection had closed: its metrics count it out, its
      // queue and its WebSocket, request and connection objects become garbage.
      try {
        vertxHandler.channelInactive(vertxContext);
      } catch (Exception e) {
        LOG.warn("SocketTakeover: Vert.x did not release a chat socket it handed over: {}", e.toString());
      }
    }
    return handler;
  }
}
