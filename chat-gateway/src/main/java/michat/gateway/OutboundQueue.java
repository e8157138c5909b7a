package michat.gateway;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import michat.metrics.MichatMetrics;

/**
 * A session's way out: frames go to its {@link ChatSocket} (flushed once per pass of the event loop);
 * while the socket's write queue is full they wait here, and when more than {@code maxQueued} wait the
 * client is too slow ({@code tooSlow} closes it) — what it missed stays in history for catch-up.
 */
final class OutboundQueue {
  private final ChatSocket socket;
  private final int maxQueued;
  private final MichatMetrics metrics;
  private final Runnable tooSlow;
  private final ArrayDeque<String> queue = new ArrayDeque<>();

  OutboundQueue(ChatSocket socket, int maxQueued, MichatMetrics metrics, Runnable tooSlow) {
    this.socket = socket;
    this.maxQueued = maxQueued;
    this.metrics = metrics;
    this.tooSlow = tooSlow;
  }

  /** Writes now, or behind what already waits; closes a client that lets too many wait. */
  void send(String text) {
    if (!queue.isEmpty() || socket.writeQueueFull()) {
      if (queue.size() >= maxQueued) {
        tooSlow.run();
        return;
      }
      queue.add(text);
      metrics.queuedFrames.incrementAndGet();
      return;
    }
    socket.write(text);
  }

  /** The socket has room again: what waits here goes first, while the session is open. */
  void drain(BooleanSupplier closed) {
    while (!closed.getAsBoolean() && !queue.isEmpty() && !socket.writeQueueFull()) {
      socket.write(queue.poll());
      metrics.queuedFrames.decrementAndGet();
    }
  }

  void drop() {
    metrics.queuedFrames.addAndGet(-queue.size());
    queue.clear();
  }
}
