package michat.gateway;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import michat.model.Failures;
import org.slf4j.Logger;

/**
 * Warnings of a gateway about a request a service could not carry out. A service refusing with 503
 * because MariaDB or Redis does not answer is an outage its guard logs once: the same line per
 * session here (thousands while clients reconnect) would only bury it, so those go to DEBUG.
 */
final class OutageLog {
  private OutageLog() {}

  static boolean isOutage(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == Failures.UNAVAILABLE;
  }

  static void warnUnlessOutage(Logger log, Throwable err, String format, Object... args) {
    if (isOutage(err)) {
      log.debug(format, args);
    } else {
      log.warn(format, args);
    }
  }
}
