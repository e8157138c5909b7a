package michat.model;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import michat.dependency.DependencyFailure;
import org.slf4j.Logger;

/**
 * Failures that cross the event bus. The code is the HTTP status the web layer answers with; the
 * message is a {@link michat.contract.Refusal}'s key (which the edges put in their clients' words) or,
 * for failures that are not a service's refusal, a sentence.
 */
public final class Failures {
  private Failures() {}

  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int TOO_LARGE = 413;
  public static final int TOO_MANY = 429;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  /** What a client is told of a failure that is not its own: never internals. */
  public static final String INTERNAL_ERROR = "internal error, please try again";

  public static ReplyException of(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  public static <T> Future<T> fail(int code, String message) {
    return Future.failedFuture(of(code, message));
  }

  /** The HTTP-like code of a failure; anything unexpected counts as internal. */
  public static int codeOf(Throwable t) {
    if (t instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> re.failureCode() >= 400 && re.failureCode() < 600 ? re.failureCode() : INTERNAL;
        case NO_HANDLERS, TIMEOUT -> UNAVAILABLE;
        default -> INTERNAL;
      };
    }
    return INTERNAL;
  }

  /**
   * Answers a request with a failure. Expected failures (4xx) pass their message on; anything else
   * is logged here once and the client gets a generic message, never internals. A dependency that does
   * not answer ({@link DependencyFailure}) is 503 and not logged here: its guard logs the outage.
   */
  public static void reply(Message<?> msg, Throwable t, Logger log) {
    if (t instanceof DependencyFailure) {
      // MariaDB or Redis not answering: its guard logs the outage once; a line per request would flood
      msg.fail(UNAVAILABLE, t.getMessage());
      return;
    }
    int code = codeOf(t);
    if (code >= 500 && !(t instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE)) {
      log.error("{} failed: {}", msg.address(), t.toString());
      msg.fail(INTERNAL, INTERNAL_ERROR);
    } else {
      msg.fail(code, t.getMessage());
    }
  }
}
