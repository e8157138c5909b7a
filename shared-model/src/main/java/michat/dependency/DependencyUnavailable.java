package michat.dependency;

/**
 * Refused before being sent: the dependency's breaker is open (it does not answer), or no
 * connection to it could be made, so nothing was asked of it and nothing can have happened there.
 */
public final class DependencyUnavailable extends DependencyFailure {
  DependencyUnavailable(DependencyGuard guard) {
    super(guard, guard.name() + " is not answering; refused without asking it");
  }

  /** Counted as refused ({@code michat_messages_refused_total{cause="<dependency>_down"}}). */
  @Override
  public void countMessages(int messages) {
    guard().messagesRefused(messages);
  }
}
