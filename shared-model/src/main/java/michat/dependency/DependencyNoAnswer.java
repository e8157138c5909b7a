package michat.dependency;

import io.vertx.core.Future;

/**
 * Sent, but no answer came: not within the call timeout, or the connection was lost while waiting.
 * The dependency may still carry the call out (a write to a frozen database is executed after the
 * thaw): {@link #lateOutcome} is that eventual result, when there can be one.
 */
public final class DependencyNoAnswer extends DependencyFailure {
  private final transient Future<?> lateOutcome;

  DependencyNoAnswer(DependencyGuard guard, String why, Future<?> lateOutcome) {
    super(guard, guard.name() + " did not answer (" + why + "); the call may still be carried out");
    this.lateOutcome = lateOutcome;
  }

  /** What the call finally did, once the dependency answers; it may never complete. */
  public Future<?> lateOutcome() {
    return lateOutcome;
  }

  /** Counted as delayed ({@code michat_messages_delayed_total{cause="<dependency>_no_answer"}}). */
  @Override
  public void countMessages(int messages) {
    guard().messagesDelayed(messages);
  }
}
