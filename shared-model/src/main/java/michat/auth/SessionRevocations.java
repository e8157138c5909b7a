package michat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import michat.model.Addresses;
import michat.model.Failures;
import michat.model.SeedMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a well-signed session was ended early: by a logout (that session), a password change or
 * a deletion (every session of the user). user-service keeps the truth in SQL and publishes each
 * change on {@link Addresses#SESSION_REVOKED}; this cache holds, per recently seen user, the token
 * generation and the logged-out session ids, so that checking a token costs no database read: one
 * {@link Addresses#USER_SESSION_STATE} request per user at first sight and then at most once per
 * {@link #REFRESH_MS} (which also bounds how long a missed publish could go unnoticed). One instance
 * per verticle instance, used on its event loop only.
 */
public final class SessionRevocations {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRevocations.class);
  /** A cached user's state is asked for again after this long. */
  static final long REFRESH_MS = 60_000;
  /** Users whose state is kept; the least recently used are forgotten beyond it. */
  static final int MAX_USERS = 100_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(Addresses.REQUEST_TIMEOUT_MS);

  /** A user's sessions as user-service last told: gone, or its generation and its ended session ids. */
  private static final class State {
    boolean exists;
    int generation;
    final Set<String> revoked = new HashSet<>();
    long loadedAt;
  }

  private final Vertx vertx;
  private final MessageConsumer<JsonObject> consumer;
  private final Map<Long, State> states = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, State> eldest) {
      return size() > MAX_USERS;
    }
  };
  /** Loads in flight; a revocation that arrives meanwhile makes the load start again (it may be older). */
  private final Map<Long, Future<State>> loading = new HashMap<>();
  private final Set<Long> changedWhileLoading = new HashSet<>();

  public SessionRevocations(Vertx vertx) {
    this.vertx = vertx;
    this.consumer = vertx.eventBus().consumer(Addresses.SESSION_REVOKED, this::onRevoked);
  }

  /** Completes when the revocation consumer is registered (cluster-wide when clustered). */
  public Future<Void> ready() {
    return consumer.completion();
  }

  public Future<Void> close() {
    return consumer.unregister();
  }

  /** The session when it is still live; a 401 failure when it was ended or its user deleted. */
  public Future<Session> check(Session session) {
    State cached = states.get(session.userId());
    // A token newer than what is cached (a password change whose publish has not arrived yet): ask again.
    if (cached != null && System.currentTimeMillis() - cached.loadedAt < REFRESH_MS
        && session.generation() <= cached.generation) {
      return verdict(session, cached);
    }
    return load(session.userId())
        .recover(err -> {
          if (cached == null) {
            return Future.failedFuture(err);
          }
          // user-service did not answer: the last known state, kept current by the published revocations.
          LOG.debug("session state of user {} not refreshed, using the cached one: {}", session.userId(), err.getMessage());
          return Future.succeededFuture(cached);
        })
        .compose(state -> verdict(session, state));
  }

  private static Future<Session> verdict(Session session, State state) {
    boolean live = state.exists && state.generation == session.generation() && !state.revoked.contains(session.id());
    return live ? Future.succeededFuture(session) : Failures.fail(Failures.UNAUTHORIZED, SeedMessages.SESSION_ENDED);
  }

  private Future<State> load(long userId) {
    Future<State> pending = loading.get(userId);
    if (pending != null) {
      return pending;
    }
    Future<State> started = vertx.eventBus()
        .<JsonObject>request(Addresses.USER_SESSION_STATE, new JsonObject().put("userId", userId), REQUEST)
        .map(Message::body)
        .compose(reply -> {
          loading.remove(userId);
          if (changedWhileLoading.remove(userId)) {
            return load(userId);   // the answer may predate that revocation
          }
          State state = new State();
          state.exists = reply.getBoolean("exists", false);
          state.generation = reply.getInteger("generation", 0);
          reply.getJsonArray("revoked", new JsonArray()).forEach(id -> state.revoked.add((String) id));
          state.loadedAt = System.currentTimeMillis();
          states.put(userId, state);
          return Future.succeededFuture(state);
        }, err -> {
          loading.remove(userId);
          changedWhileLoading.remove(userId);
          return Future.failedFuture(err);
        });
    if (!started.isComplete()) {
      loading.put(userId, started);
    }
    return started;
  }

  /** {userId, sessionId} (a logout), {userId, generation} (password changed) or {userId, deleted: true}. */
  private void onRevoked(Message<JsonObject> msg) {
    JsonObject event = msg.body();
    Long userId = event.getLong("userId");
    if (userId == null) {
      return;
    }
    if (loading.containsKey(userId)) {
      changedWhileLoading.add(userId);
    }
    State state = states.get(userId);
    if (state == null) {
      return;   // asked for at its next use
    }
    if (event.getBoolean("deleted", false)) {
      state.exists = false;
    }
    Integer generation = event.getInteger("generation");
    if (generation != null && generation > state.generation) {
      state.generation = generation;
    }
    String sessionId = event.getString("sessionId");
    if (sessionId != null) {
      state.revoked.add(sessionId);
    }
  }
}
