package michat.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import michat.contract.Refusal;
import michat.contract.ServiceBus;
import michat.contract.UserApi;
import michat.contract.UserApi.SessionsEnded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a well-signed session was ended early: by a logout (that session), a password change or
 * a deletion (every session of the user). user-service keeps the truth in SQL and publishes each
 * change on {@link UserApi#SESSIONS_ENDED}; this cache holds, per recently seen user, the token
 * generation and the logged-out session ids, so that checking a token costs no database read: one
 * {@link UserApi#SESSION_STATE} request per user at first sight and then at most once per
 * {@link #REFRESH_MS} (which also bounds how long a missed publish could go unnoticed). One instance
 * per verticle instance, used on its event loop only.
 */
public final class SessionRevocations {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRevocations.class);
  /** A cached user's state is asked for again after this long. */
  static final long REFRESH_MS = 60_000;
  /** Users whose state is kept; the least recently used are forgotten beyond it. */
  static final int MAX_USERS = 100_000;

  /** A user's sessions as user-service last told: gone, or its generation and its ended session ids. */
  private static final class State {
    boolean exists;
    int generation;
    final Set<String> revoked = new HashSet<>();
    long loadedAt;
  }

  private final ServiceBus bus;
  private final MessageConsumer<SessionsEnded> consumer;
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
    this.bus = ServiceBus.of(vertx);
    this.consumer = bus.subscribe(UserApi.SESSIONS_ENDED, this::onRevoked);
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
    return live ? Future.succeededFuture(session) : Refusal.SESSION_ENDED.fail();
  }

  private Future<State> load(long userId) {
    Future<State> pending = loading.get(userId);
    if (pending != null) {
      return pending;
    }
    Future<State> started = bus.request(UserApi.SESSION_STATE, new UserApi.SessionStateQuery(userId))
        .compose(reply -> {
          loading.remove(userId);
          if (changedWhileLoading.remove(userId)) {
            return load(userId);   // the answer may predate that revocation
          }
          State state = new State();
          state.exists = reply.exists();
          state.generation = reply.generation();
          state.revoked.addAll(reply.revoked());
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

  /** A logout (its session id), a password change (the new generation) or a deletion. */
  private void onRevoked(SessionsEnded event) {
    long userId = event.userId();
    if (loading.containsKey(userId)) {
      changedWhileLoading.add(userId);
    }
    State state = states.get(userId);
    if (state == null) {
      return;   // asked for at its next use
    }
    if (event.deleted()) {
      state.exists = false;
    }
    if (event.generation() != null && event.generation() > state.generation) {
      state.generation = event.generation();
    }
    if (event.sessionId() != null) {
      state.revoked.add(event.sessionId());
    }
  }
}
