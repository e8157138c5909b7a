package michat.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import michat.contract.v1.ServiceApi.MessagesStored;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the stream of stored messages with nothing missed: the live stream for speed, and the
 * catch-up from the database, asked again every {@link #POLL_MS}, for completeness (a message the
 * live stream did not bring — published while this JVM was away, or lost with a link — comes with
 * it). A message both bring is handed over once: the live one is remembered by conversation and
 * sequence number until the catch-up reaches it (the catch-up holds back only the newest seconds,
 * so that is soon; forgotten after {@link #REMEMBER_MS} in any case, when it may come twice).
 *
 * <p>{@link #position()} is where a restarted consumer starts so that nothing is missed: the
 * catch-up's own position, which never passes a message still being committed. Everything the
 * handler got after it may come again then: handlers are idempotent, e.g. by conversation and
 * sequence number. Used on the event loop of the Vert.x context that created it.
 */
public final class StreamFollower {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);
  static final long POLL_MS = 2_000;
  static final long REMEMBER_MS = 10 * 60_000;
  static final int PAGE = 500;

  private final Vertx vertx;
  private final MichatClient client;
  private final Handler<StoredMessage> handler;
  /** Live messages the catch-up has not reached yet: key → when it came. */
  private final Map<String, Long> liveAhead = new LinkedHashMap<>();
  private MessageConsumer<MessagesStored> live;
  private StreamPosition position;
  private long timer = -1;
  private boolean closed;

  private StreamFollower(Vertx vertx, MichatClient client, StreamPosition after, Handler<StoredMessage> handler) {
    this.vertx = vertx;
    this.client = client;
    this.position = after;
    this.handler = handler;
  }

  static StreamFollower start(Vertx vertx, MichatClient client, StreamPosition after, Handler<StoredMessage> handler) {
    StreamFollower f = new StreamFollower(vertx, client, after, handler);
    // live first: what is stored while the catch-up runs is not missed
    f.live = client.onMessageStored(f::fromLive);
    f.live.completion().onComplete(v -> f.catchUp());
    return f;
  }

  /** Where a consumer that restarts starts following, to miss nothing. */
  public StreamPosition position() {
    return position;
  }

  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    return live.unregister();
  }

  private void fromLive(StoredMessage m) {
    long now = System.currentTimeMillis();
    for (Iterator<Long> it = liveAhead.values().iterator(); it.hasNext() && it.next() < now - REMEMBER_MS; ) {
      it.remove();
    }
    if (liveAhead.putIfAbsent(key(m), now) == null) {
      handler.handle(m);
    }
  }

  private void fromCatchUp(StoredMessage m) {
    if (liveAhead.remove(key(m)) == null) {
      handler.handle(m);
    }
  }

  private void catchUp() {
    if (closed) {
      return;
    }
    client.catchUp(position, PAGE)
        .onSuccess(page -> {
          page.messages().forEach(this::fromCatchUp);
          position = page.next();
        })
        .onFailure(err -> LOG.warn("catching up from the stream failed ({}); trying again", err.getMessage()))
        .onComplete(ar -> {
          if (!closed) {
            boolean more = ar.succeeded() && !ar.result().complete();
            timer = vertx.setTimer(more ? 1 : POLL_MS, t -> catchUp());
          }
        });
  }

  private static String key(StoredMessage m) {
    return m.conversation() + "#" + m.seq();
  }
}
