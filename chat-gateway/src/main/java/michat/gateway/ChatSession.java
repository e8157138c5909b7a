package michat.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import michat.auth.Session;
import michat.contract.Caller;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.metrics.MichatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of a user: who it is (login, caller, protocol version), its rate limit and
 * connection counters, its lifetime (idle, expired, closed), the resume it may wait for — and, in
 * their own classes, its way out ({@link OutboundQueue}) and its conversations' delivery order
 * ({@link ConversationChains}). Used only from the event loop of the gateway instance that accepted
 * the socket.
 */
final class ChatSession {
  private static final Logger LOG = LoggerFactory.getLogger(ChatSession.class);

  /** Fetches the messages addressed to this session's user in (after, upto] of a conversation. */
  interface GapFiller {
    Future<Range> fill(String conversation, Long after, long upto);

    /** Completes after the grace given to a late push before a gap is fetched. */
    Future<Void> waitForLatePush();
  }

  final String id;
  final long userId;
  /** The login this connection was opened with: a logout or password change that ends it closes the socket. */
  final Session login;
  /** Who this session's requests act for: its user and login token, which the router checks again. */
  final Caller caller;
  private final ChatSocket socket;
  /** Protocol v2 (docs/protocol.md): acknowledgements, and messages framed with conversation and seq. */
  final boolean v2;
  final TokenBucket rate;
  /** The node-wide connection counters this session holds (per user, per IP). */
  final String[] limitKeys;
  private final int maxQueued;
  private final OutboundQueue out;
  private final ConversationChains chains;
  private long lastSeen = System.currentTimeMillis();
  private Promise<Map<String, Long>> resume;
  private boolean closed;

  ChatSession(String id, Session login, String token, ChatSocket socket, boolean v2, TokenBucket rate,
              String[] limitKeys, int maxQueued, MichatMetrics metrics, GapFiller filler) {
    this.id = id;
    this.login = login;
    this.caller = new Caller(login.userId(), token);
    this.userId = login.userId();
    this.socket = socket;
    this.v2 = v2;
    this.rate = rate;
    this.limitKeys = limitKeys;
    this.maxQueued = maxQueued;
    this.out = new OutboundQueue(socket, maxQueued, metrics, this::tooSlow);
    this.chains = new ConversationChains(userId, v2, filler, metrics, this::send, () -> closed);
  }

  ChatSocket socket() {
    return socket;
  }

  void touch() {
    lastSeen = System.currentTimeMillis();
  }

  long lastSeen() {
    return lastSeen;
  }

  /** Closed by the server, or the socket is closing (whoever started it). */
  boolean isClosed() {
    return closed || socket.isClosed();
  }

  /** A chat message pushed live by a router. */
  void deliver(String conversation, long seq, long prev, String frame) {
    chains.deliver(conversation, seq, prev, frame);
  }

  /** v2: a copy of a message this user sent from another session (kept out of the chain and the cursor). */
  void deliverCopy(String conversation, long seq, String frame) {
    chains.deliverCopy(conversation, seq, frame);
  }

  /** The offline backlog, then what arrived meanwhile; {@code resumed}: the cursors a v2 client holds. */
  void finishCatchUp(List<Missed> backlog, Map<String, Long> resumed) {
    chains.finishCatchUp(backlog, resumed);
  }

  /** No backlog (v1 by default): each conversation starts at its first live message. */
  void startLive() {
    chains.startLive();
  }

  /** v2: the client's {@code delivered} receipt, the cursor to save (never beyond what was sent). */
  void acknowledge(String conversation, long seq) {
    chains.acknowledge(conversation, seq);
  }

  /** Cursors advanced since the last call, to persist. */
  Map<String, Long> takeCursors() {
    return chains.takeCursors();
  }

  /** v2 with {@code resume=1}: catch-up waits for the client's cursors (or the fallback). */
  void awaitResume(Promise<Map<String, Long>> cursors) {
    this.resume = cursors;
  }

  boolean awaitsResume() {
    return resume != null;
  }

  /** The pending resume, taken (null when none is pending). */
  Promise<Map<String, Long>> takeResume() {
    Promise<Map<String, Long>> p = resume;
    resume = null;
    return p;
  }

  void send(String text) {
    // What is not sent stays in history; an unacknowledged v2 message is re-sent by its client under
    // the same clientMsgId.
    if (!isClosed()) {
      out.send(text);
    }
  }

  /** The socket has room again: what waits goes first. */
  void drain() {
    out.drain(this::isClosed);
  }

  private void tooSlow() {
    LOG.info("closing session {} of user {}: it does not read ({} frames waiting)", id, userId, maxQueued);
    close(Frames.CLOSE_TOO_SLOW, "too slow: " + maxQueued + " frames waiting");
  }

  /**
   * A connection lives no longer than the token it was opened with: past its expiry the session
   * closes like an ended one (4003) and the client logs in again. Checked on every frame and sweep.
   */
  boolean closeIfExpired() {
    if (isClosed() || login.expiresAt() > System.currentTimeMillis() / 1000) {
      return false;
    }
    LOG.info("closing session {} of user {}: its token expired", id, userId);
    close(Frames.CLOSE_SESSION_ENDED, "session expired, please log in again");
    return true;
  }

  /**
   * Closes the session now; the socket's closing handshake follows (its listener hears of it at once:
   * with a client that does not read, the handshake can take long, and its user must not look online
   * meanwhile).
   */
  void close(short code, String reason) {
    if (!closed) {
      closed = true;
      out.drop();
      socket.close(code, reason);
    }
  }

  /** Called when the socket is gone, whoever closed it. */
  void closed() {
    closed = true;
    out.drop();
  }
}
