package michat.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat WebSocket after its handshake, read and written by michat on the connection's Netty pipeline,
 * where {@link SocketTakeover} put it in place of Vert.x's handler (which says why). Vert.x's HTTP
 * metrics count the socket as closed from then on; {@code michat_sessions_open} counts sessions.
 *
 * <p>What Vert.x did for the socket is done here: text messages reassembled from fragments up to the
 * size limit (closed with 1009 beyond it), pings answered, the closing handshake (echoed when the
 * client starts it; when the server does, the connection ends when the client answers or after
 * {@link #CLOSING_TIMEOUT_MS}), pauses that hold the messages arriving meanwhile (reading stops while
 * {@link #HOLD_LIMIT} wait), and writability for back-pressure. Everything runs on the connection's
 * event loop, which is the gateway instance's: Vert.x runs a connection on the event loop of the
 * context that accepted it.
 */
final class ChatSocket extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ChatSocket.class);
  /** How long a closing handshake the server started may wait for the client's answer. */
  static final long CLOSING_TIMEOUT_MS = 10_000;
  /** A close frame's payload is at most 125 bytes, two of them the code. */
  private static final int MAX_REASON_BYTES = 123;
  /** Held while paused: a binary message (michat has no use for its content). */
  private static final Object BINARY = new Object();
  /**
   * Messages held while paused before reading stops, and how few restart it (Vert.x's own queue used
   * 16 and 8): a client that sends faster than its messages are handled is slowed down by TCP, while a
   * pause per message — the gateway handles one at a time — costs no system call.
   */
  static final int HOLD_LIMIT = 16;
  static final int HOLD_RESUME = 8;

  /** What the gateway hears from a socket, on its event loop. */
  interface Listener {
    void onText(String text);

    void onBinary();

    /** Room in the write queue again after {@link #writeQueueFull()}. */
    void onWritable();

    /** The socket closes, whoever started it; called once, and nothing is read or written after it. */
    void onClosed();
  }

  private final int maxMessageBytes;
  private final Flusher flusher;
  private ChannelHandlerContext ctx;
  private FrameWriter out;
  private Listener listener;
  private boolean paused;
  /** Messages decoded while paused, in order; created when needed. */
  private ArrayDeque<Object> held;
  /** Reading stopped because {@link #HOLD_LIMIT} messages are held. */
  private boolean readsStopped;
  /** A message arriving in fragments; null between messages. */
  private CompositeByteBuf fragments;
  private boolean fragmentsAreText;
  /** A close frame was sent or received, or the connection is gone. */
  private boolean closing;
  private boolean closeSent;
  private ScheduledFuture<?> closingTimeout;

  /** Not yet on a channel: {@link SocketTakeover} puts it on one (tests: a channel of their own). */
  ChatSocket(int maxMessageBytes, Flusher flusher) {
    this.maxMessageBytes = maxMessageBytes;
    this.flusher = flusher;
  }

  /** Starts reading for {@code listener}; tells it at once if the connection is gone already. */
  void listen(Listener listener) {
    this.listener = listener;
    if (!ctx.channel().isActive()) {
      startClosing();
    } else {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.out = new FrameWriter(ctx, flusher, maxMessageBytes);
  }

  // ---- writing ----

  boolean isClosed() {
    return closing;
  }

  /** Netty's outbound buffer is past its high-water mark: hold further frames until {@link Listener#onWritable}. */
  boolean writeQueueFull() {
    return !ctx.channel().isWritable();
  }

  /** A text message; flushed once the event loop has run the tasks already queued. Dropped once closing. */
  void write(String text) {
    if (!closing) {
      out.write(text);
    }
  }

  /** Starts the closing handshake; the connection ends on the client's answer or after the timeout. */
  void close(int code, String reason) {
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> close(code, reason));
      return;
    }
    if (closing) {
      return;
    }
    startClosing();
    closeSent = true;
    out.writeNow(new CloseWebSocketFrame(code, fitReason(reason)));
    closingTimeout = ctx.executor().schedule(this::closeConnection, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    // Read on, even if paused for a message still being handled: the client's answer ends the
    // connection now rather than at the timeout (data frames after closing are dropped).
    paused = false;
    held = null;
    readOn();
  }

  // ---- reading ----

  /** Holds the messages that arrive from now on, in order; reading stops once {@link #HOLD_LIMIT} wait. */
  void pause() {
    paused = true;
  }

  /** Hands over the held messages, in order, until one pauses again; reads on once few are left. */
  void resume() {
    if (!paused) {
      return;
    }
    paused = false;
    while (!paused && !closing && held != null && !held.isEmpty()) {
      dispatch(held.poll());
    }
    if (held == null || held.size() <= HOLD_RESUME) {
      readOn();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
          || msg instanceof ContinuationWebSocketFrame) {
        onData((WebSocketFrame) msg);
      } else if (msg instanceof PingWebSocketFrame ping) {
        if (!closing) {
          out.writeNow(new PongWebSocketFrame(ping.content().retain()));
        }
      } else if (msg instanceof CloseWebSocketFrame close) {
        onCloseFrame(close);
      }
      // Pongs need nothing: the server sends no pings (clients send heartbeat frames).
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onData(WebSocketFrame frame) {
    if (closing) {
      return;
    }
    ByteBuf content = frame.content();
    boolean starts = !(frame instanceof ContinuationWebSocketFrame);
    if (starts && frame.isFinalFragment() && fragments == null) {
      accept(frame instanceof TextWebSocketFrame, content);   // the usual case: one frame, one message
      return;
    }
    if (starts != (fragments == null)) {   // Netty's decoder refuses this already; never trust one layer
      dropFragments();
      closeAtOnce(WebSocketCloseStatus.PROTOCOL_ERROR, "fragments out of order");
      return;
    }
    if (starts) {
      fragments = ctx.alloc().compositeBuffer();
      fragmentsAreText = frame instanceof TextWebSocketFrame;
    }
    if (fragments.readableBytes() + content.readableBytes() > maxMessageBytes) {
      dropFragments();
      tooBig();
      return;
    }
    fragments.addComponent(true, content.retain());
    if (frame.isFinalFragment()) {
      CompositeByteBuf whole = fragments;
      fragments = null;
      try {
        accept(fragmentsAreText, whole);
      } finally {
        whole.release();
      }
    }
  }

  private void accept(boolean text, ByteBuf content) {
    if (content.readableBytes() > maxMessageBytes) {
      tooBig();
      return;
    }
    Object message = text ? content.toString(StandardCharsets.UTF_8) : BINARY;
    if (paused) {
      if (held == null) {
        held = new ArrayDeque<>(4);
      }
      held.add(message);
      if (held.size() >= HOLD_LIMIT && !readsStopped) {
        readsStopped = true;
        ctx.channel().config().setAutoRead(false);
      }
    } else {
      dispatch(message);
    }
  }

  private void dispatch(Object message) {
    if (message == BINARY) {
      listener.onBinary();
    } else {
      listener.onText((String) message);
    }
  }

  private void tooBig() {
    LOG.info("closing {}: message over the size limit of {} bytes", listener, maxMessageBytes);
    close(Frames.CLOSE_TOO_BIG, "message too big");
  }

  /** RFC 6455, 5.5.1: the client started closing; answer with its code, then end the connection. */
  private void onCloseFrame(CloseWebSocketFrame frame) {
    if (closeSent) {
      closeConnection();   // the client's answer to ours
      return;
    }
    startClosing();
    closeSent = true;
    int code = frame.statusCode();
    CloseWebSocketFrame answer = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
    out.writeNow(answer).addListener(ChannelFutureListener.CLOSE);
  }

  /** The decoder refuses the rest of the input: say why, and end without waiting for an answer. */
  private void closeAtOnce(WebSocketCloseStatus status, String why) {
    LOG.info("closing {}: {}", listener, why);
    boolean answer = !closeSent;
    startClosing();
    closeSent = true;
    if (answer) {
      out.writeNow(new CloseWebSocketFrame(status.code(), fitReason(why))).addListener(ChannelFutureListener.CLOSE);
    } else {
      closeConnection();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException bad) {
      WebSocketCloseStatus status = bad.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : bad.closeStatus();
      closeAtOnce(status, status == WebSocketCloseStatus.MESSAGE_TOO_BIG ? "message too big" : String.valueOf(bad.getMessage()));
    } else {
      LOG.debug("{}: {}", listener, cause.toString());   // mostly a reset by the peer
      closeConnection();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!closing && ctx.channel().isWritable()) {
      listener.onWritable();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      closeConnection();
    } else {
      ReferenceCountUtil.release(event);   // e.g. Vert.x's shutdown notice: the gateway closes its sessions itself
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closingTimeout != null) {
      closingTimeout.cancel(false);
      closingTimeout = null;
    }
    dropFragments();
    held = null;
    startClosing();
  }

  // ---- helpers ----

  private void readOn() {
    if (readsStopped) {
      readsStopped = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void startClosing() {
    if (!closing) {
      closing = true;
      if (listener != null) {
        listener.onClosed();
      }
    }
  }

  private void closeConnection() {
    ctx.close();
  }

  private void dropFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  /** A reason cut to what fits a close frame, at a character boundary. */
  static String fitReason(String reason) {
    if (reason == null) {
      return "";
    }
    String fitted = reason;
    while (fitted.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      int cut = fitted.length() - 1;
      fitted = fitted.substring(0, Character.isLowSurrogate(fitted.charAt(cut)) ? cut - 1 : cut);
    }
    return fitted;
  }
}
