package michat.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * Writes the text frames of one {@link ChatSocket} without flushing each: the socket is flushed once the
 * event loop has run the tasks already queued ({@link Flusher}), so a group message to a thousand
 * members on one event loop, or a batch of deliveries to one member, costs one {@code write} system
 * call per socket instead of one per frame. That call was more than half of the server's CPU in
 * group fan-out runs.
 *
 * <p>Frames go into Netty's outbound buffer whether or not the channel is writable; the session holds
 * its frames while {@link ChatSocket#writeQueueFull()} says so, which bounds what waits here. A message
 * larger than the frame size limit leaves in fragments of that size (clients have such a limit too:
 * Vert.x's WebSocket client, 64 KB by default).
 */
final class FrameWriter {
  private final ChannelHandlerContext ctx;
  /** Write outcomes are not needed: a failed write closes the channel, which the socket sees. */
  private final VoidChannelPromise noListener;
  private final Flusher flusher;
  private final int maxFrameBytes;
  /** Listed in the flusher already. */
  boolean awaitingFlush;

  FrameWriter(ChannelHandlerContext ctx, Flusher flusher, int maxFrameBytes) {
    this.ctx = ctx;
    this.noListener = new VoidChannelPromise(ctx.channel(), false);
    this.flusher = flusher;
    this.maxFrameBytes = maxFrameBytes;
  }

  void write(String text) {
    if (!ctx.executor().inEventLoop()) {
      // michat writes on the socket's own event loop (the gateway instance's); this is a safety net.
      ctx.executor().execute(() -> write(text));
      return;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxFrameBytes) {
      ctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), noListener);
    } else {
      for (int offset = 0; offset < utf8.length; offset += maxFrameBytes) {
        int length = Math.min(maxFrameBytes, utf8.length - offset);
        boolean last = offset + length == utf8.length;
        ByteBuf part = Unpooled.wrappedBuffer(utf8, offset, length);
        ctx.write(offset == 0 ? new TextWebSocketFrame(last, 0, part) : new ContinuationWebSocketFrame(last, 0, part),
            noListener);
      }
    }
    flusher.add(this, ctx.executor());
  }

  /** A control frame (close, pong), written and flushed at once, behind the frames already written. */
  ChannelFuture writeNow(WebSocketFrame frame) {
    return ctx.writeAndFlush(frame);
  }

  void flush() {
    awaitingFlush = false;
    ctx.flush();
  }
}
