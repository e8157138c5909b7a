package michat.gateway;

import michat.contract.Caller;
import michat.contract.Done;
import michat.contract.RouterApi;
import michat.contract.RouterApi.Backlog;
import michat.contract.RouterApi.CatchUp;
import michat.contract.RouterApi.Fill;
import michat.contract.RouterApi.Inbound;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.SaveCursors;
import michat.contract.RouterApi.Signal;
import michat.contract.RouterApi.SignalDelivery;
import michat.contract.RouterApi.UserCursors;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.SessionsEnded;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import michat.auth.Origins;
import michat.auth.Session;
import michat.auth.SessionRevocations;
import michat.auth.SessionTokens;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.ChannelPost;
import michat.contract.PresenceApi.Connect;
import michat.contract.PresenceApi.Disconnect;
import michat.contract.PresenceApi.Heartbeat;
import michat.contract.PresenceApi.NodeAlive;
import michat.contract.PresenceApi.NodeKnown;
import michat.contract.RouterApi.Deliveries;
import michat.contract.RouterApi.Delivery;
import michat.metrics.MichatMetrics;
import michat.model.Failures;
import michat.ginchat.GinchatText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat gateway of one HTTP verticle instance: the WebSocket endpoints {@code /chat} and
 * {@code /user/sendUserMsg} (token required before the upgrade) and the ginchat pub/sub socket
 * {@code /user/sendMsg}; the registry of this instance's sessions; heartbeats and the idle sweep;
 * and the consumer of this node's {@code gateway.<nodeId>.deliver} address. Everything here runs on
 * the instance's event loop, so the registry needs no locks.
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
  /** This gateway instance (one per event loop of the node). */
  private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
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
  private final Map<Long, Map<String, ChatSession>> sessions = new HashMap<>();
  private final Set<ServerWebSocket> channelSockets = new HashSet<>();
  private final Set<Long> heartbeats = new HashSet<>();
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
  }

  /** Upgrades never get here ({@link #takesUpgrade}); a plain GET of a chat path is told what it lacks. */
  public void mount(Router router) {
    CHAT_PATHS.forEach(path -> router.get(path).handler(ctx -> upgradeExpected(ctx.request())));
    router.get(CHANNEL_PATH).handler(this::channel);
  }

  public Future<Void> start() {
    consumers.add(bus.subscribe(RouterApi.DELIVER, nodeId, this::deliver));
    consumers.add(bus.subscribe(PresenceApi.CHANNEL, this::onChannel));
    consumers.add(bus.subscribe(UserApi.SESSIONS_ENDED, this::sessionsEnded));
    timers.add(vertx.setPeriodic(NODE_ALIVE_INTERVAL_MS, id -> nodeAlive()));
    timers.add(vertx.setPeriodic(firstSweepMs, sweepMs, id -> sweep()));
    timers.add(vertx.setPeriodic(HEARTBEAT_FLUSH_INTERVAL_MS, id -> flushHeartbeats()));
    timers.add(vertx.setPeriodic(CURSOR_FLUSH_INTERVAL_MS, id -> saveCursors(allSessions())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> nodeAlive().recover(err -> Future.succeededFuture()))
        .mapEmpty();
  }

  /** Tells clients to reconnect elsewhere; keeps their cursors and marks them offline first. */
  public Future<Void> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    List<Future<?>> pending = new ArrayList<>();
    forEachSession(s -> {
      pending.add(leave(s));
      forget(s);
      limits.release(s.limitKeys);
      s.close(Frames.CLOSE_GOING_AWAY, "server shutting down, please reconnect");
    });
    channelSockets.forEach(ws -> ws.close(Frames.CLOSE_GOING_AWAY, "server shutting down"));
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
      refuse(req, 403, GinchatText.CROSS_SITE);
      return;
    }
    req.pause();
    tokens.decode(token).compose(revocations::check)
        .onFailure(err -> {
          req.resume();
          if (Failures.codeOf(err) == Failures.UNAUTHORIZED) {
            refuse(req, 401, GinchatText.of(err));
          } else {   // the session could not be checked (user-service unreachable): not the client's fault
            req.response().putHeader("Retry-After", "5");
            refuse(req, 503, "sessions cannot be checked right now, please reconnect in a few seconds");
          }
        })
        .onSuccess(login -> {
          long userId = login.userId();
          String[] keys = ConnectionLimits.keys(userId, req.remoteAddress().hostAddress());
          String refused = limits.acquire(keys);
          if (refused != null) {
            req.resume();
            refuse(req, Frames.TOO_MANY, GinchatText.TOO_MANY_CONNECTIONS + " " + refused);
            return;
          }
          boolean v2 = "2".equals(req.getParam("v"));
          boolean resume = v2 && "1".equals(req.getParam("resume"));
          req.toWebSocket()
              .onSuccess(ws -> open(login, token, ws, v2, resume, keys))
              .onFailure(err -> {
                limits.release(keys);
                LOG.debug("WebSocket upgrade for user {} failed: {}", userId, err.getMessage());
              });
        });
  }

  /** A refusal before the upgrade, in the RESULT shape the ginchat clients read. */
  private static void refuse(HttpServerRequest req, int status, String message) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("Code", -1).put("Msg", message).encode());
  }

  private static void upgradeExpected(HttpServerRequest req) {
    req.response().setStatusCode(400).end("WebSocket upgrade expected");
  }

  /** Runs in the event-loop task that completed the upgrade: nothing has been read from the socket yet. */
  private void open(Session login, String token, ServerWebSocket ws, boolean v2, boolean resume, String[] limitKeys) {
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
    Caller caller = new Caller(userId, token);
    ChatSession s = new ChatSession(UUID.randomUUID().toString(), login, token, socket, v2,
        new TokenBucket(perSecond, burst), limitKeys, maxQueued, metrics, new ChatSession.Filler() {
          @Override
          public Future<Range> fill(String conversation, Long after, long upto) {
            return bus.request(RouterApi.FILL, new Fill(caller, conversation, after, upto));
          }

          @Override
          public Future<Void> grace() {
            Promise<Void> later = Promise.promise();
            vertx.setTimer(GAP_GRACE_MS, id -> later.complete());
            return later.future();
          }
        });
    sessions.computeIfAbsent(userId, k -> new HashMap<>()).put(s.id, s);
    metrics.sessionsOpen.incrementAndGet();
    socket.listen(new SocketEvents(s));
    LOG.debug("user {} connected, session {}", userId, s.id);
    Future<Map<String, Long>> cursors = resume ? awaitResume(s) : Future.succeededFuture(Map.of());
    // Registered here first, then online, then the backlog: a message stored before presence knew
    // of this session is in the backlog; one stored after is pushed live. Nothing falls between.
    Future<Done> registered = bus.request(PresenceApi.CONNECT, new Connect(userId, nodeId, s.id))
        .onFailure(err -> LOG.warn("user {} connected but presence not updated: {}", userId, err.getMessage()));
    Future.join(registered, cursors)
        .transform(done -> cursors)   // completes with a map, never fails
        .onSuccess(given -> bus.request(RouterApi.CATCH_UP, new CatchUp(s.caller, given))
            .onComplete(backlog -> finishCatchUp(s, backlog, given)));
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
      LOG.warn("backlog of user {} not fetched now (kept for the next connect): {}", s.userId,
          backlog.cause().getMessage());
    }
    s.send(Frames.WELCOME);
    s.finishCatchUp(missed, kept);
  }

  /** The cursors of the client's resume frame, or none after {@link ResumeFrame#WAIT_MS}. */
  private Future<Map<String, Long>> awaitResume(ChatSession s) {
    Promise<Map<String, Long>> pending = Promise.promise();
    s.awaitResume(pending);
    vertx.setTimer(ResumeFrame.WAIT_MS, id -> resumeWith(s, Map.of()));
    return pending.future();
  }

  /** Completes a pending resume (the client's cursors, or none: the saved ones apply); once. */
  private static void resumeWith(ChatSession s, Map<String, Long> cursors) {
    Promise<Map<String, Long>> pending = s.takeResume();
    if (pending != null) {
      pending.complete(cursors);
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
      ChatGateway.this.onText(s, text);
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
    if (forget(s)) {
      limits.release(s.limitKeys);
      leave(s);
    }
    LOG.debug("user {} disconnected, session {}", s.userId, s.id);
  }

  /** Removes the session from the registry; false when it was no longer there. */
  private boolean forget(ChatSession s) {
    Map<String, ChatSession> mine = sessions.get(s.userId);
    if (mine == null || mine.remove(s.id) == null) {
      return false;
    }
    metrics.sessionsOpen.decrementAndGet();
    if (mine.isEmpty()) {
      sessions.remove(s.userId);
    }
    return true;
  }

  /** Persists the session's cursors and tells presence it is gone. */
  private Future<?> leave(ChatSession s) {
    return Future.join(saveCursors(List.of(s)),
        bus.request(PresenceApi.DISCONNECT, new Disconnect(s.userId, nodeId, s.id))
        .onFailure(err -> LOG.warn("presence not told that user {} left: {}", s.userId, err.getMessage())));
  }

  // ---- frames from clients ----

  private void onText(ChatSession s, String text) {
    if (closeIfExpired(s)) {
      return;
    }
    s.touch();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      s.send(Frames.error("bad_json", "a chat frame must be a JSON object", null));
      return;
    }
    if (s.v2 && ResumeFrame.is(frame)) {
      onResume(s, frame);
      return;
    }
    resumeWith(s, Map.of());   // any other first frame: the saved cursors apply
    Object ref = field(frame, "createtime");
    Object clientMsgId = s.v2 ? field(frame, "clientmsgid") : null;
    if (isHeartbeat(frame)) {
      heartbeats.add(s.userId);   // told to presence with the others, once a second
      return;
    }
    if (s.v2 && isSignal(frame)) {
      if ("delivered".equals(frame.getValue("Type"))
          && frame.getValue("conversation") instanceof String conversation && frame.getValue("seq") instanceof Number seq) {
        s.acknowledge(conversation, seq.longValue());   // what the client has: the cursor to save
      }
      if (s.rate.tryTake()) {
        bus.request(RouterApi.SIGNAL, new Signal(s.caller, frame))
            .onSuccess(reply -> {
              if (!reply.ok()) {
                s.send(Frames.error(reply.error(), reply.message(), ref, null));
              }
            })
            .onFailure(err -> LOG.debug("signal of user {} not relayed: {}", s.userId, err.getMessage()));
      }
      return;
    }
    if (!s.rate.tryTake()) {
      s.send(Frames.error("rate_limited", "more than " + perSecond + " messages per second: not sent, try again",
          ref, clientMsgId));
      return;
    }
    // One frame at a time per connection: a sender's messages are stored in the order sent, and a
    // client that floods is slowed down by TCP rather than by growing memory here.
    s.socket().pause();
    bus.request(RouterApi.INBOUND, new Inbound(s.caller, s.id, frame))
        .onSuccess(reply -> {
          if (!reply.ok()) {
            s.send(Frames.error(reply.error(), reply.message(), ref, clientMsgId));
          } else if (s.v2) {
            s.send(Frames.ack(clientMsgId, reply));
          }
        })
        .onFailure(err -> s.send(Frames.error("unavailable",
            "the message was not accepted, please send it again (" + err.getMessage() + ")", ref, clientMsgId)))
        .onComplete(done -> {
          if (!s.isClosed()) {
            s.socket().resume();
          }
        });
  }

  /**
   * v2 {@code {"Type":"resume","cursors":{conversation: seq}}}: the first frame of a connection
   * opened with {@code resume=1}; catch-up then sends exactly what follows these cursors. A malformed
   * one is answered with {@code bad_resume} and the saved cursors apply.
   */
  private void onResume(ChatSession s, JsonObject frame) {
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

  /** v2 signals: typing, delivered, read — relayed, never stored. */
  private static boolean isSignal(JsonObject frame) {
    Object type = frame.getValue("Type");
    return "typing".equals(type) || "delivered".equals(type) || "read".equals(type);
  }

  private static boolean isHeartbeat(JsonObject frame) {
    Object type = field(frame, "type");
    return type instanceof Number n && n.intValue() == 3 && n.doubleValue() == 3;
  }

  private static Object field(JsonObject frame, String lowerName) {
    for (String key : frame.fieldNames()) {
      if (key.toLowerCase(Locale.ROOT).equals(lowerName)) {
        return frame.getValue(key);
      }
    }
    return null;
  }

  // ---- deliveries to clients ----

  /** From routers: stored messages (in order) or one signal. */
  private void deliver(Deliveries d) {
    if (d.messages() != null) {
      for (Delivery m : d.messages()) {
        if (m.exceptSession() == null) {
          deliverOne(m);
        } else {
          deliverCopy(m);
        }
      }
    }
    if (d.signal() != null) {
      deliverSignal(d.signal());
    }
  }

  private void deliverOne(Delivery d) {
    for (Long user : d.to()) {
      Map<String, ChatSession> mine = sessions.get(user);
      if (mine != null) {
        for (ChatSession s : mine.values()) {
          s.deliver(d.conversation(), d.seq(), d.prev(), d.frame());
        }
        if (d.receivedAt() > 0) {   // here, not per instance: every instance of the node sees every delivery
          metrics.recordDelivery(d.receivedAt());
        }
      }
    }
  }

  /** v2 only: a copy of a user's own private message for their other sessions. */
  private void deliverCopy(Delivery d) {
    for (ChatSession s : v2Sessions(d.to())) {
      if (!s.id.equals(d.exceptSession())) {
        s.deliverCopy(d.conversation(), d.seq(), d.frame());
      }
    }
  }

  /** v2 only: typing, delivered, read. */
  private void deliverSignal(SignalDelivery signal) {
    for (ChatSession s : v2Sessions(signal.to())) {
      s.send(signal.frame());
    }
  }

  private List<ChatSession> v2Sessions(List<Long> users) {
    List<ChatSession> v2 = new ArrayList<>();
    for (Long user : users) {
      Map<String, ChatSession> mine = sessions.get(user);
      if (mine != null) {
        for (ChatSession s : mine.values()) {
          if (s.v2) {
            v2.add(s);
          }
        }
      }
    }
    return v2;
  }

  /**
   * user-service ended sessions (a logout, a password change, a deletion): their sockets on this
   * instance close with 4003, so an ended session cannot go on chatting on a socket it already had.
   */
  private void sessionsEnded(SessionsEnded event) {
    Map<String, ChatSession> mine = sessions.get(event.userId());
    if (mine == null) {
      return;
    }
    boolean deleted = event.deleted();
    Integer generation = event.generation();
    String sessionId = event.sessionId();
    for (ChatSession s : new ArrayList<>(mine.values())) {
      if (deleted || (generation != null && s.login.generation() < generation) || s.login.id().equals(sessionId)) {
        LOG.info("closing session {} of user {}: its login ended", s.id, s.userId);
        s.close(Frames.CLOSE_SESSION_ENDED, "session ended, please log in again");
      }
    }
  }

  /** The users whose sessions sent heartbeats since the last call, in one presence request. */
  private void flushHeartbeats() {
    if (heartbeats.isEmpty()) {
      return;
    }
    List<Long> users = new ArrayList<>(heartbeats);
    heartbeats.clear();
    bus.request(PresenceApi.HEARTBEAT, new Heartbeat(users, nodeId))
        .onFailure(err -> LOG.debug("{} heartbeats not recorded: {}", users.size(), err.getMessage()));
  }

  private void sweep() {
    long cutoff = System.currentTimeMillis() - maxIdleMs;
    forEachSession(s -> {
      if (!s.isClosed() && s.lastSeen() < cutoff) {
        LOG.info("closing idle session {} of user {} (no frame for {} s)", s.id, s.userId, maxIdleMs / 1000);
        s.close(Frames.CLOSE_IDLE, "no heartbeat for " + maxIdleMs / 1000 + " s");
      } else {
        closeIfExpired(s);
      }
    });
  }

  /**
   * A connection lives no longer than the token it was opened with: past its expiry the session
   * closes like an ended one (4003) and the client logs in again. Checked on every frame and sweep.
   */
  private static boolean closeIfExpired(ChatSession s) {
    if (s.isClosed() || s.login.expiresAt() > System.currentTimeMillis() / 1000) {
      return false;
    }
    LOG.info("closing session {} of user {}: its token expired", s.id, s.userId);
    s.close(Frames.CLOSE_SESSION_ENDED, "session expired, please log in again");
    return true;
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

  private Future<NodeKnown> nodeAlive() {
    return bus.request(PresenceApi.NODE_ALIVE, new NodeAlive(nodeId, instanceId))
        .onSuccess(reply -> {
          if (!reply.known() && !sessions.isEmpty()) {
            reRegisterSessions();
          }
        })
        .onFailure(err -> LOG.debug("presence did not take node liveness: {}", err.getMessage()));
  }

  /** Presence lost track of this instance (e.g. Redis restarted): tell it again who is connected here. */
  private void reRegisterSessions() {
    LOG.info("presence did not know gateway instance {} of node {}: registering its sessions again", instanceId, nodeId);
    forEachSession(s -> bus.request(PresenceApi.CONNECT, new Connect(s.userId, nodeId, s.id))
        .onFailure(err -> LOG.warn("session {} of user {} not registered again: {}", s.id, s.userId, err.getMessage())));
  }


  // ---- the ginchat pub/sub socket ----

  private void channel(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().setStatusCode(400).end("WebSocket upgrade expected");
      return;
    }
    // Unauthenticated, as in the original: only the per-address limit applies.
    String[] keys = ConnectionLimits.keys(ctx.request().remoteAddress().hostAddress());
    String refused = limits.acquire(keys);
    if (refused != null) {
      refuse(ctx.request(), Frames.TOO_MANY, GinchatText.TOO_MANY_CONNECTIONS + " " + refused);
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(ws -> {
          channelSockets.add(ws);
          ws.closeHandler(v -> {
            channelSockets.remove(ws);
            limits.release(keys);
          });
          ws.textMessageHandler(ignored -> { });
        })
        .onFailure(err -> limits.release(keys));
  }

  private void onChannel(ChannelPost post) {
    String text = Frames.channel(String.valueOf(post.payload()), LocalDateTime.now());
    for (ServerWebSocket ws : new ArrayList<>(channelSockets)) {
      if (ws.writeQueueFull()) {
        ws.close(Frames.CLOSE_TOO_SLOW, "too slow");
      } else {
        ws.writeTextMessage(text);
      }
    }
  }

  // ---- helpers ----

  /** A snapshot: the action may close sessions, which removes them from the registry. */
  private List<ChatSession> allSessions() {
    List<ChatSession> all = new ArrayList<>();
    sessions.values().forEach(m -> all.addAll(m.values()));
    return all;
  }

  private void forEachSession(java.util.function.Consumer<ChatSession> action) {
    allSessions().forEach(action);
  }
}
