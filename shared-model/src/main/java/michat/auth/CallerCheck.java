package michat.auth;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import michat.contract.Refusal;
import michat.contract.Caller;
import michat.contract.CallerVerifier;

/**
 * A service's own check of who is calling: the {@link Caller}'s token must be well signed, unexpired
 * and the user's. Tokens already checked are remembered until they expire, so a chat connection's
 * stream of messages costs one signature check, not one per message. Whether the session was ended
 * early is the edge's job ({@link SessionRevocations}), which closes such sessions; this check is what
 * keeps a peer that reached the event bus from acting for a user whose token it does not hold.
 * One instance per verticle instance, used on its event loop only.
 */
public final class CallerCheck implements CallerVerifier {
  /** Tokens remembered; the least recently used are checked again beyond it. */
  static final int MAX_TOKENS = 50_000;

  private final SessionTokens tokens;
  private final Map<String, Session> verified = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > MAX_TOKENS;
    }
  };

  public CallerCheck(SessionTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Future<Session> verify(Caller caller) {
    Session known = verified.get(caller.token());
    if (known != null) {
      return verdict(caller, known);
    }
    return tokens.decode(caller.token()).compose(session -> {
      verified.put(caller.token(), session);
      return verdict(caller, session);
    });
  }

  private static Future<Session> verdict(Caller caller, Session session) {
    return session.userId() == caller.userId() && session.expiresAt() > System.currentTimeMillis() / 1000
        ? Future.succeededFuture(session)
        : Refusal.NOT_AUTHENTICATED.fail();
  }
}
