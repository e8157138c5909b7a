package michat.gateway;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import michat.contract.Done;
import michat.contract.RouterApi;
import michat.contract.RouterApi.Backlog;
import michat.contract.RouterApi.CatchUp;
import michat.contract.RouterApi.Missed;
import michat.contract.ServiceBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a new session starts: registered with presence first, then (v2 with {@code resume=1}) the
 * client's resume frame awaited, then the backlog fetched and sent before the welcome. A message
 * stored before presence knew of the session is in the backlog; one stored after is pushed live —
 * nothing falls between. A v1 session without {@code backlog=1} gets no backlog, as with the
 * original server: its clients read what they missed from history when they open a conversation, so
 * a pushed backlog would show every offline message twice.
 */
final class SessionStart {
  private static final Logger LOG = LoggerFactory.getLogger(SessionStart.class);
  private static final long REGISTER_RETRY_MS = 1_000;
  private static final long REGISTER_RETRY_MAX_MS = 30_000;

  private final Vertx vertx;
  private final ServiceBus bus;
  private final PresenceLink presence;

  SessionStart(Vertx vertx, ServiceBus bus, PresenceLink presence) {
    this.vertx = vertx;
    this.bus = bus;
    this.presence = presence;
  }

  void begin(ChatSession s, boolean resume, boolean backlog) {
    if (!backlog) {
      register(s).onComplete(registered -> {
        if (!s.isClosed()) {
          s.send(Frames.WELCOME);
          s.startLive();
        }
      });
      return;
    }
    Future<Map<String, Long>> cursors = resume ? awaitResume(s) : Future.succeededFuture(Map.of());
    Future<Done> registered = register(s);
    Future.join(registered, cursors)
        .transform(done -> cursors)   // completes with a map, never fails
        .onSuccess(given -> bus.request(RouterApi.CATCH_UP, new CatchUp(s.caller, given))
            .onComplete(missed -> finishCatchUp(s, missed, given)));
  }

  /**
   * Tells presence where the session is. One that presence did not take (Redis slow or down) is told
   * again, 1, 2, 4… s later while the session lasts: until then no router can find it, and it would get
   * no live message at all.
   */
  private Future<Done> register(ChatSession s) {
    return presence.connected(s).onFailure(err -> registerAgain(s, REGISTER_RETRY_MS));
  }

  private void registerAgain(ChatSession s, long delayMs) {
    vertx.setTimer(delayMs, id -> {
      if (!s.isClosed()) {
        presence.connected(s).onFailure(err -> registerAgain(s, Math.min(delayMs * 2, REGISTER_RETRY_MAX_MS)));
      }
    });
  }

  /**
   * v2 {@code {"Type":"resume","cursors":{conversation: seq}}}: the first frame of a connection
   * opened with {@code resume=1}; catch-up then sends exactly what follows these cursors. A malformed
   * one is answered with {@code bad_resume} and the saved cursors apply.
   */
  void onResumeFrame(ChatSession s, JsonObject frame) {
    Map<String, Long> cursors = new HashMap<>();
    String problem = ResumeFrame.read(frame, cursors);
    if (!s.awaitsResume()) {
      s.send(Frames.error("unexpected_resume", "resume is only the first frame of a connection opened with resume=1", null));
      return;
    }
    if (problem != null) {
      s.send(Frames.error("bad_resume", problem + "; the server's saved cursors apply", null));
      cursors.clear();
    }
    resumeWith(s, cursors);
  }

  /** Completes a pending resume (the client's cursors, or none: the saved ones apply); once. */
  static void resumeWith(ChatSession s, Map<String, Long> cursors) {
    Promise<Map<String, Long>> pending = s.takeResume();
    if (pending != null) {
      pending.complete(cursors);
    }
  }

  /** The cursors of the client's resume frame, or none after {@link ResumeFrame#WAIT_MS}. */
  private Future<Map<String, Long>> awaitResume(ChatSession s) {
    Promise<Map<String, Long>> pending = Promise.promise();
    s.awaitResume(pending);
    vertx.setTimer(ResumeFrame.WAIT_MS, id -> resumeWith(s, Map.of()));
    return pending.future();
  }

  private void finishCatchUp(ChatSession s, AsyncResult<Backlog> backlog, Map<String, Long> resumed) {
    if (s.isClosed()) {
      return;
    }
    List<Missed> missed = List.of();
    Map<String, Long> kept = new HashMap<>(resumed);
    if (backlog.succeeded()) {
      missed = backlog.result().messages();
      List<String> ignored = backlog.result().ignored();
      ignored.forEach(kept::remove);
      if (!ignored.isEmpty()) {   // like every resume problem, told before the welcome
        s.send(Frames.error("bad_resume", "not your conversations, ignored: " + new JsonArray(ignored).encode(), null));
      }
    } else {
      // The next live message's gap check fetches what is missing (from the client's cursors if given).
      OutageLog.warnUnlessOutage(LOG, backlog.cause(), "backlog of user {} not fetched now (kept for the next connect): {}",
          s.userId, backlog.cause().getMessage());
    }
    s.send(Frames.WELCOME);
    s.finishCatchUp(missed, kept);
  }
}
