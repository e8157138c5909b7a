package michat.router;

import io.vertx.core.Future;
import michat.router.MessageRepository.Stored;

/**
 * A message whose write was sent but not confirmed in time: the database may still store it.
 * {@link #late} completes with it if that happens (then it must still be delivered), and fails or
 * never completes otherwise.
 */
final class Unconfirmed extends RuntimeException {
  private final transient Future<Stored> late;

  Unconfirmed(Throwable cause, Future<Stored> late) {
    super("not confirmed: " + cause.getMessage(), cause, false, false);
    this.late = late;
  }

  Future<Stored> late() {
    return late;
  }
}
