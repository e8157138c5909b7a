package michat.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import michat.metrics.MichatMetrics;

/**
 * Flushes the sockets {@link FrameWriter}s wrote to, once per pass of the event loop: the flush is a
 * task queued behind the ones already waiting (more deliveries, router replies), so whatever they write
 * to the same sockets leaves in the same system call. One per gateway instance; event loop only.
 */
final class Flusher {
  private final MichatMetrics metrics;
  private List<FrameWriter> written = new ArrayList<>();
  /** The list being flushed: a flush can make Vert.x drain its queue and a drain handler write more. */
  private List<FrameWriter> flushing = new ArrayList<>();
  private boolean scheduled;

  Flusher(MichatMetrics metrics) {
    this.metrics = metrics;
  }

  /** {@code loop}: the event loop running this gateway instance, where the writer just wrote. */
  void add(FrameWriter writer, Executor loop) {
    if (writer.awaitingFlush) {
      return;
    }
    writer.awaitingFlush = true;
    written.add(writer);
    if (!scheduled) {
      scheduled = true;
      loop.execute(this::flushAll);
    }
  }

  private void flushAll() {
    scheduled = false;
    List<FrameWriter> batch = written;
    written = flushing;
    flushing = batch;
    for (FrameWriter w : batch) {
      w.flush();
    }
    metrics.socketFlushes.increment(batch.size());
    batch.clear();
  }
}
