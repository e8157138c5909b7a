package michat.contract;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a service refused a request: a reason, not a sentence. Services answer with these; the edges
 * (the web role's HTTP routes, the gateway) turn each into the words their clients show — the
 * ginchat clients' own where they had one ({@code michat.ginchat.GinchatText}). On the bus a refusal
 * is a {@link ReplyException} whose code is the HTTP status and whose message is the reason's key,
 * with its argument after a colon (e.g. {@code too_many_attempts: 30}).
 */
public enum Refusal {
  // accounts
  FIELDS_EMPTY(400), NAME_TAKEN(409), PASSWORDS_DIFFER(400), LOGIN_FAILED(401), USER_NOT_FOUND(404),
  PROFILE_INVALID(400), CURRENT_PASSWORD_REQUIRED(400), CURRENT_PASSWORD_WRONG(403),
  /** Argument: the seconds to wait (HTTP Retry-After). */
  TOO_MANY_ATTEMPTS(429),
  /** The password-hashing queue is full. Argument: the seconds to wait. */
  BUSY(503),
  // friends
  FRIEND_NAME_EMPTY(400), FRIEND_NOT_FOUND(404), CANNOT_ADD_SELF(400), ALREADY_FRIENDS(409),
  // groups
  GROUP_NAME_EMPTY(400), GROUP_NAME_TAKEN(409), GROUP_NOT_FOUND(404), ALREADY_MEMBER(409),
  /** Argument: the most members a group may have. */
  GROUP_FULL(409),
  NOT_GROUP_OWNER(403),
  /** The caller's account does not exist (any more), though its token is still well signed. */
  CALLER_UNKNOWN(401),
  // conversations
  NOT_YOUR_CONVERSATION(403), NOT_A_MEMBER(403),
  // sessions
  NOT_AUTHENTICATED(401), SESSION_ENDED(401),
  // other services (michat.contract.v1)
  /** A v1 request for the accounts listed in {@code services.accounts} only. */
  NOT_A_SERVICE_ACCOUNT(403),
  // input rules; the argument names the field (a request component, e.g. {@code name}, {@code icon})
  /** Argument: the field and its most characters, e.g. {@code name 64}. */
  TEXT_TOO_LONG(400),
  /** Control characters or bytes that were not UTF-8. Argument: the field. */
  TEXT_UNREADABLE(400),
  /** Not a picture of this server (michat.model.MediaUrls). Argument: the field. */
  MEDIA_URL_INVALID(400);

  private static final Pattern WIRE = Pattern.compile("^([a-z_]+)(?:: (.*))?$", Pattern.DOTALL);

  public final int status;

  Refusal(int status) {
    this.status = status;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public ReplyException failure() {
    return failure(null);
  }

  public ReplyException failure(Object argument) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, status, argument == null ? key() : key() + ": " + argument);
  }

  public <T> Future<T> fail() {
    return Future.failedFuture(failure());
  }

  public <T> Future<T> fail(Object argument) {
    return Future.failedFuture(failure(argument));
  }

  /** A refusal as it arrived: its reason and argument (null when it has none). */
  public record Refused(Refusal reason, String argument) {
    /** The seconds a {@link #TOO_MANY_ATTEMPTS} or {@link #BUSY} refusal asks to wait. */
    public OptionalLong retryAfterSeconds() {
      return (reason == TOO_MANY_ATTEMPTS || reason == BUSY) && argument != null && argument.matches("\\d{1,9}")
          ? OptionalLong.of(Long.parseLong(argument)) : OptionalLong.empty();
    }
  }

  /** The refusal a failure carries, if it is one. */
  public static Optional<Refused> of(Throwable t) {
    if (!(t instanceof ReplyException re) || re.failureType() != ReplyFailure.RECIPIENT_FAILURE || re.getMessage() == null) {
      return Optional.empty();
    }
    Matcher m = WIRE.matcher(re.getMessage());
    if (!m.matches()) {
      return Optional.empty();
    }
    for (Refusal r : values()) {
      if (r.key().equals(m.group(1)) && r.status == re.failureCode()) {
        return Optional.of(new Refused(r, m.group(2)));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code t} is this refusal. */
  public boolean is(Throwable t) {
    return of(t).map(r -> r.reason() == this).orElse(false);
  }
}
