package michat.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.nio.charset.StandardCharsets;

/**
 * Writes the text frames of one session without flushing each: the socket is flushed once the event
 * loop has run the tasks already queued ({@link Flusher}), so a group message to a thousand members on
 * one event loop, or a batch of deliveries to one member, costs one {@code write} system call per
 * socket instead of one per frame. That call was more than half of the server's CPU in fan-out runs
 * (docs/benchmarks.md, item 14); Vert.x 5's WebSocket API flushes every frame.
 *
 * <p>So frames go to the Netty channel handler context Vert.x itself writes to, with the guarantees
 * Vert.x keeps: only on the connection's event loop, only while the channel is writable and no frame
 * handed to Vert.x is still on its way (order). Otherwise a frame goes through Vert.x, whose queue then
 * holds it and reports back-pressure ({@link #writeQueueFull()}, the socket's drain handler) as
 * before; so do frames larger than the WebSocket frame size (Vert.x splits them), and every frame of
 * a socket that does not expose its channel (one upgraded through vertx-web's request wrapper).
 */
final class FrameWriter {
  final ServerWebSocket socket;
  /** Where Vert.x writes this socket's frames; null when the socket does not say. */
  private final ChannelHandlerContext channel;
  /** Write outcomes are not needed: a failed write closes the channel, which the close handler sees. */
  private final VoidChannelPromise noListener;
  private final Flusher flusher;
  private final int maxFrameBytes;
  /**
   * Frames handed to Vert.x and not yet written out: the frames after them follow the same way. A guard
   * more than a path: Vert.x empties its queue the moment the channel is writable again.
   */
  private int inVertx;
  /** Listed in the flusher already. */
  boolean awaitingFlush;

  FrameWriter(ServerWebSocket socket, Flusher flusher, int maxFrameBytes) {
    this.socket = socket;
    this.channel = socket instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
    this.noListener = channel == null ? null : new VoidChannelPromise(channel.channel(), false);
    this.flusher = flusher;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Vert.x holds as many frames as it takes: the caller keeps the next ones until the drain handler. */
  boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  void write(String text) {
    if (channel != null && inVertx == 0 && channel.executor().inEventLoop() && channel.channel().isWritable()) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);   // encoded here only: Vert.x takes the String
      if (utf8.length <= maxFrameBytes) {
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), noListener);
        flusher.add(this, channel.executor());
        return;
      }
    }
    inVertx++;
    socket.writeTextMessage(text).onComplete(this::writtenByVertx);
  }

  private void writtenByVertx(AsyncResult<Void> ignored) {
    inVertx--;
  }

  void flush() {
    awaitingFlush = false;
    channel.flush();
  }
}
