package michat.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import michat.auth.Origins;
import michat.auth.Session;
import michat.auth.SessionRevocations;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.contract.Caller;
import michat.contract.Done;
import michat.contract.PresenceApi;
import michat.contract.RouterApi;
import michat.contract.RouterApi.Fill;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.SaveCursors;
import michat.contract.RouterApi.UserCursors;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.SessionsEnded;
import michat.ginchat.GinchatText;
import michat.metrics.MichatMetrics;
import michat.model.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat gateway of one HTTP verticle instance: the WebSocket endpoints {@code /chat} and
 * {@code /user/sendUserMsg} (token, origin and connection limits checked before the upgrade), the
 * lifetime of each session (opened, idle or expired, ended elsewhere, closed) and its cursors, wired
 * to the parts that do the rest: {@link SessionStart} (presence, resume, backlog), {@link InboundFrames}
 * (what clients send), {@link DeliveryFanOut} (what routers push), {@link PresenceLink} (heartbeats,
 * liveness) and the ginchat pub/sub socket {@link PubSubChannel}. Everything here runs on the
 * instance's event loop, so nothing needs locks. It lives inside the JVM's HTTP verticle rather than
 * in a verticle of its own because the chat socket must share the page's origin, hence the HTTP port
 * and its server (docs/architecture.md).
 */
public final class ChatGateway {
  private static final Logger LOG = LoggerFactory.getLogger(ChatGateway.class);
  /** The chat WebSocket and its ginchat alias. */
  public static final List<String> CHAT_PATHS = List.of("/chat", "/user/sendUserMsg");
  /** The ginchat pub/sub socket. */
  public static final String CHANNEL_PATH = "/user/sendMsg";
  static final long NODE_ALIVE_INTERVAL_MS = 3_000;
  static final long CURSOR_FLUSH_INTERVAL_MS = 30_000;
  static final long HEARTBEAT_FLUSH_INTERVAL_MS = 1_000;
  /** How long a session waits for a late push before fetching a gap from the store. */
  static final long GAP_GRACE_MS = 100;

  private final Vertx vertx;
  private final ServiceBus bus;
  private final SessionTokens tokens;
  private final SessionRevocations revocations;
  private final Origins origins;
  private final String nodeId;
  private final int maxQueued;
  private final int maxFrameBytes;
  private final Flusher flusher;
  private final int perSecond;
  private final int burst;
  private final ConnectionLimits limits;
  private final long firstSweepMs;
  private final long sweepMs;
  private final long maxIdleMs;
  private final MichatMetrics metrics;
  private final SessionRegistry sessions;
  private final PresenceLink presence;
  private final SessionStart starts;
  private final InboundFrames inbound;
  private final DeliveryFanOut fanOut;
  private final PubSubChannel channel;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private boolean stopping;

  public ChatGateway(Vertx vertx, MichatConfig cfg, SessionTokens tokens, SessionRevocations revocations,
                     Origins origins) {
    this.vertx = vertx;
    this.bus = ServiceBus.of(vertx);
    this.tokens = tokens;
    this.revocations = revocations;
    this.origins = origins;
    this.nodeId = cfg.string(ConfigKeys.NODE_ID);
    this.maxQueued = cfg.integer(ConfigKeys.GATEWAY_MAX_QUEUED_FRAMES, 1, 1_000_000);
    this.maxFrameBytes = cfg.integer(ConfigKeys.GATEWAY_MAX_FRAME_BYTES, 1024, 16 << 20);
    this.perSecond = cfg.integer(ConfigKeys.GATEWAY_MESSAGES_PER_SECOND, 1, 1_000_000);
    this.burst = cfg.integer(ConfigKeys.GATEWAY_MESSAGE_BURST, 1, 1_000_000);
    this.limits = new ConnectionLimits(vertx, cfg.integer(ConfigKeys.GATEWAY_MAX_CONNECTIONS_PER_USER, 1, 1_000_000),
        cfg.integer(ConfigKeys.GATEWAY_MAX_CONNECTIONS_PER_IP, 0, 10_000_000));
    this.firstSweepMs = Math.max(1, cfg.number(ConfigKeys.HEARTBEAT_FIRST_SWEEP, 0, 86_400) * 1000);
    this.sweepMs = Math.max(1, cfg.number(ConfigKeys.HEARTBEAT_SWEEP, 1, 86_400) * 1000);
    this.maxIdleMs = cfg.number(ConfigKeys.HEARTBEAT_MAX_IDLE, 1, 31L * 86_400) * 1000;
    this.metrics = MichatMetrics.of(cfg);
    this.flusher = new Flusher(metrics);
    this.sessions = new SessionRegistry(metrics);
    // One instance of the gateway per event loop of the node.
    this.presence = new PresenceLink(bus, sessions, nodeId, UUID.randomUUID().toString().substring(0, 8));
    this.starts = new SessionStart(vertx, bus, presence);
    this.inbound = new InboundFrames(bus, presence, starts, perSecond);
    this.fanOut = new DeliveryFanOut(sessions, metrics);
    this.channel = new PubSubChannel(limits);
  }

  /** Upgrades never get here ({@link #takesUpgrade}); a plain GET of a chat path is told what it lacks. */
  public void mount(Router router) {
    CHAT_PATHS.forEach(path -> router.get(path).handler(ctx -> upgradeExpected(ctx.request())));
    router.get(CHANNEL_PATH).handler(channel::connect);
  }

  public Future<Void> start() {
    consumers.add(bus.subscribe(RouterApi.DELIVER, nodeId, fanOut::deliver));
    // pushes that routers could not address to nodes (presence down): each instance serves its own sessions
    consumers.add(bus.subscribe(RouterApi.DELIVER_EVERYWHERE, fanOut::deliver));
    consumers.add(bus.subscribe(PresenceApi.CHANNEL, channel::post));
    consumers.add(bus.subscribe(UserApi.SESSIONS_ENDED, this::sessionsEnded));
    timers.add(vertx.setPeriodic(NODE_ALIVE_INTERVAL_MS, id -> presence.nodeAlive()));
    timers.add(vertx.setPeriodic(firstSweepMs, sweepMs, id -> sweep()));
    timers.add(vertx.setPeriodic(HEARTBEAT_FLUSH_INTERVAL_MS, id -> presence.flushHeartbeats()));
    timers.add(vertx.setPeriodic(CURSOR_FLUSH_INTERVAL_MS, id -> saveCursors(sessions.all())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> presence.nodeAlive().recover(err -> Future.succeededFuture()))
        .mapEmpty();
  }

  /** Tells clients to reconnect elsewhere; keeps their cursors and marks them offline first. */
  public Future<Void> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    List<Future<?>> pending = new ArrayList<>();
    sessions.all().forEach(s -> {
      pending.add(leave(s));
      sessions.forget(s);
      limits.release(s.limitKeys);
      s.close(Frames.CLOSE_GOING_AWAY, "server shutting down, please reconnect");
    });
    channel.closeAll();
    return Future.join(pending).<Void>mapEmpty().otherwiseEmpty();
  }

  // ---- connections ----

  /**
   * Whether the server must hand this request to {@link #chat(HttpServerRequest)} before its router:
   * only a socket upgraded from the server's own request can be taken over ({@link SocketTakeover});
   * one upgraded through vertx-web's request wrapper is wrapped too.
   */
  public boolean takesUpgrade(HttpServerRequest req) {
    return req.method() == HttpMethod.GET && CHAT_PATHS.contains(req.path()) && req.canUpgradeToWebSocket();
  }

  /** A chat connection: the token checked, then the upgrade. */
  public void chat(HttpServerRequest req) {
    if (!req.canUpgradeToWebSocket()) {
      upgradeExpected(req);
      return;
    }
    if (stopping) {
      req.response().setStatusCode(503).putHeader("Retry-After", "1").end("shutting down, connect to another node");
      return;
    }
    String token = SessionTokens.upgradeTokenOf(req);
    if (SessionTokens.fromCookie(req, token) && !origins.fromAllowedPage(req)) {
      // The browser added the cookie to a socket another site's page opened: it would chat as the victim.
      Refusals.send(req, 403, GinchatText.CROSS_SITE);
      return;
    }
    req.pause();
    tokens.decode(token).compose(revocations::check)
        .onFailure(err -> {
          req.resume();
          if (Failures.codeOf(err) == Failures.UNAUTHORIZED) {
            Refusals.send(req, 401, GinchatText.of(err));
          } else {   // the session could not be checked (user-service unreachable): not the client's fault
            req.response().putHeader("Retry-After", "5");
            Refusals.send(req, 503, GinchatText.SESSIONS_UNCHECKED);
          }
        })
        .onSuccess(login -> {
          long userId = login.userId();
          String[] keys = ConnectionLimits.keys(userId, req.remoteAddress().hostAddress());
          String refused = limits.acquire(keys);
          if (refused != null) {
            req.resume();
            Refusals.send(req, Frames.TOO_MANY, GinchatText.TOO_MANY_CONNECTIONS + " " + refused);
            return;
          }
          boolean v2 = "2".equals(req.getParam("v"));
          boolean resume = v2 && "1".equals(req.getParam("resume"));
          // v1 as the original: live messages only, history is how a client reads what it missed.
          boolean backlog = v2 || "1".equals(req.getParam("backlog"));
          req.toWebSocket()
              .onSuccess(ws -> open(login, token, ws, v2, resume, backlog, keys))
              .onFailure(err -> {
                limits.release(keys);
                LOG.debug("WebSocket upgrade for user {} failed: {}", userId, err.getMessage());
              });
        });
  }

  private static void upgradeExpected(HttpServerRequest req) {
    req.response().setStatusCode(400).end("WebSocket upgrade expected");
  }

  /** Runs in the event-loop task that completed the upgrade: nothing has been read from the socket yet. */
  private void open(Session login, String token, ServerWebSocket ws, boolean v2, boolean resume, boolean backlog,
                    String[] limitKeys) {
    long userId = login.userId();
    ChatSocket socket;
    try {
      socket = SocketTakeover.takeOver(ws, new ChatSocket(maxFrameBytes, flusher));
    } catch (RuntimeException e) {
      LOG.error("chat socket of user {} not taken over, closed: {}", userId, e.toString());
      limits.release(limitKeys);
      ws.close((short) 1011, "server error");
      return;
    }
    ChatSession s = new ChatSession(UUID.randomUUID().toString(), login, token, socket, v2,
        new TokenBucket(perSecond, burst), limitKeys, maxQueued, metrics, new RouterFiller(new Caller(userId, token)));
    sessions.add(s);
    socket.listen(new SocketEvents(s));
    LOG.debug("user {} connected, session {}", userId, s.id);
    starts.begin(s, resume, backlog);
  }

  /** A session's gaps, fetched from the router as its user. */
  private final class RouterFiller implements ChatSession.GapFiller {
    private final Caller caller;

    RouterFiller(Caller caller) {
      this.caller = caller;
    }

    @Override
    public Future<Range> fill(String conversation, Long after, long upto) {
      return bus.request(RouterApi.FILL, new Fill(caller, conversation, after, upto));
    }

    @Override
    public Future<Void> waitForLatePush() {
      Promise<Void> later = Promise.promise();
      vertx.setTimer(GAP_GRACE_MS, id -> later.complete());
      return later.future();
    }
  }

  /** What a session's socket tells the gateway. */
  private final class SocketEvents implements ChatSocket.Listener {
    private final ChatSession s;

    SocketEvents(ChatSession s) {
      this.s = s;
    }

    @Override
    public void onText(String text) {
      inbound.onText(s, text);
    }

    @Override
    public void onBinary() {
      s.touch();
      s.send(Frames.error("binary_not_supported", "send chat messages as JSON text frames", null));
    }

    @Override
    public void onWritable() {
      s.drain();
    }

    @Override
    public void onClosed() {
      onClose(s);
    }

    @Override
    public String toString() {
      return "session " + s.id + " of user " + s.userId;
    }
  }

  /** When the socket closes, whoever started it; runs once per session. */
  private void onClose(ChatSession s) {
    s.closed();
    if (sessions.forget(s)) {
      limits.release(s.limitKeys);
      leave(s);
    }
    LOG.debug("user {} disconnected, session {}", s.userId, s.id);
  }

  /** Persists the session's cursors and tells presence it is gone. */
  private Future<?> leave(ChatSession s) {
    return Future.join(saveCursors(List.of(s)), presence.left(s));
  }

  /**
   * user-service ended sessions (a logout, a password change, a deletion): their sockets on this
   * instance close with 4003, so an ended session cannot go on chatting on a socket it already had.
   */
  private void sessionsEnded(SessionsEnded event) {
    Integer generation = event.generation();
    List<ChatSession> mine = new ArrayList<>();
    sessions.of(event.userId()).forEach(mine::add);
    for (ChatSession s : mine) {
      if (event.deleted() || (generation != null && s.login.generation() < generation)
          || s.login.id().equals(event.sessionId())) {
        LOG.info("closing session {} of user {}: its login ended", s.id, s.userId);
        s.close(Frames.CLOSE_SESSION_ENDED, "session ended, please log in again");
      }
    }
  }

  /** Idle sessions (no frame for the heartbeat limit) and expired ones close. */
  private void sweep() {
    long cutoff = System.currentTimeMillis() - maxIdleMs;
    sessions.all().forEach(s -> {
      if (!s.isClosed() && s.lastSeen() < cutoff) {
        LOG.info("closing idle session {} of user {} (no frame for {} s)", s.id, s.userId, maxIdleMs / 1000);
        s.close(Frames.CLOSE_IDLE, "no heartbeat for " + maxIdleMs / 1000 + " s");
      } else {
        s.closeIfExpired();
      }
    });
  }

  /**
   * Saves how far these sessions were served, in one request (one transaction): every session's
   * periodically, a leaving session's at once.
   */
  private Future<Done> saveCursors(List<ChatSession> of) {
    List<UserCursors> users = new ArrayList<>();
    for (ChatSession s : of) {
      Map<String, Long> cursors = s.takeCursors();
      if (!cursors.isEmpty()) {
        users.add(new UserCursors(s.caller, Map.copyOf(cursors)));
      }
    }
    if (users.isEmpty()) {
      return Future.succeededFuture(Done.DONE);
    }
    return bus.request(RouterApi.CURSORS, new SaveCursors(users))
        .onFailure(err -> LOG.warn("cursors of {} session(s) not saved (they may see some messages again): {}",
            users.size(), err.getMessage()));
  }
}
