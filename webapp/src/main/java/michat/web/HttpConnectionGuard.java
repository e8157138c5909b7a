package michat.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of one plain HTTP/1.x connection, on its Netty pipeline between Vert.x's HTTP codec and
 * Vert.x's handler, until the connection ends or is upgraded to a WebSocket.
 *
 * <p>A connection is always in one phase, and only three of them have a deadline: the headers of a
 * request must be complete within the header timeout of the request's first byte (of the connection's
 * opening, for the first request); while a body is read, the client may be silent for at most the body
 * timeout; between requests it may be silent for at most the idle timeout. While the server handles a
 * request (its body read, its response not yet written) nothing is timed: that is the server's time.
 *
 * <p>Not Vert.x's {@code setIdleTimeout}: its IdleStateHandler stays on the pipeline after a WebSocket
 * upgrade and would cut the chat sockets that the gateway takes over and the pub/sub sockets whose
 * clients never send, both of which the gateway times itself (heartbeat sweep). This handler takes
 * itself off the pipeline when the 101 response is written.
 */
final class HttpConnectionGuard extends ChannelDuplexHandler {
  static final String NAME = "michat-http-guard";
  static final String BYTES_NAME = "michat-http-bytes";

  private enum Phase { HEADERS, BODY, HANDLING, IDLE }

  private final long headerNanos;
  private final long bodyNanos;
  private final long idleNanos;
  /** Called once when the connection ends or upgrades: it is no longer a plain HTTP connection. */
  private final Runnable released;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.HEADERS;
  private long deadline;
  private ScheduledFuture<?> timer;
  /** Requests whose headers arrived and responses completely written, for pipelined requests. */
  private long requests;
  private long responses;
  private boolean done;

  HttpConnectionGuard(long headerMs, long bodyMs, long idleMs, Runnable released) {
    this.headerNanos = TimeUnit.MILLISECONDS.toNanos(headerMs);
    this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(bodyMs);
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMs);
    this.released = released;
  }

  /** Puts the guard (and its byte watcher before the decoder) on a Vert.x HTTP/1.x server pipeline. */
  void install(ChannelHandlerContext vertxHandler, String decoderName) {
    vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, this);
    vertxHandler.pipeline().addBefore(decoderName, BYTES_NAME, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        bytesArrived();
        c.fireChannelRead(msg);
      }
    });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    enter(Phase.HEADERS, headerNanos);
  }

  /** Raw bytes, before the decoder: the first byte of the next request starts its header deadline. */
  private void bytesArrived() {
    if (phase == Phase.IDLE) {
      enter(Phase.HEADERS, headerNanos);
    } else if (phase == Phase.BODY) {
      deadline = System.nanoTime() + bodyNanos;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      requests++;
      if (phase != Phase.HANDLING) {
        enter(Phase.BODY, bodyNanos);
      }
    }
    if (msg instanceof LastHttpContent && phase == Phase.BODY) {
      enter(Phase.HANDLING, 0);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      ctx.write(msg, promise);
      if (r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        upgraded();
      }
      return;
    }
    if (msg instanceof LastHttpContent) {
      // Idle from when the response left, not when it was queued: a slow download is not idleness.
      ChannelPromise written = promise.unvoid();
      written.addListener(f -> responseWritten());
      ctx.write(msg, written);
      return;
    }
    ctx.write(msg, promise);
  }

  private void responseWritten() {
    responses++;
    if (!done && phase == Phase.HANDLING) {
      if (requests > responses) {
        return;   // a pipelined request is in already: the server handles it next
      }
      enter(Phase.IDLE, idleNanos);
    }
  }

  /** A WebSocket now: the gateway times it, and the per-address HTTP count no longer holds it. */
  private void upgraded() {
    finish();
    ctx.pipeline().remove(BYTES_NAME);
    ctx.pipeline().remove(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    finish();
    ctx.fireChannelInactive();
  }

  private void finish() {
    if (!done) {
      done = true;
      cancel();
      released.run();
    }
  }

  private void enter(Phase next, long timeoutNanos) {
    phase = next;
    if (next == Phase.HANDLING) {
      cancel();
      return;
    }
    deadline = System.nanoTime() + timeoutNanos;
    cancel();
    timer = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** One timer per connection, moved on rather than replaced on every read of a body. */
  private void check() {
    timer = null;
    if (done || phase == Phase.HANDLING) {
      return;
    }
    long now = System.nanoTime();
    if (phase == Phase.BODY && !ctx.channel().config().isAutoRead()) {
      deadline = now + bodyNanos;   // the server paused reading (back-pressure, a check in progress): not the client's silence
    }
    long left = deadline - now;
    if (left > 0) {
      timer = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
    } else {
      ctx.close();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
