package michat.dependency;

/**
 * A call that a dependency (MariaDB, Redis) did not answer. Two kinds, which callers must tell apart:
 * {@link DependencyUnavailable} was refused before anything was sent (nothing can have happened), and
 * {@link DependencyNoAnswer} was sent but not answered (it may still take effect later).
 * Logged once per outage by the {@link DependencyGuard}, never per call.
 */
public abstract sealed class DependencyFailure extends RuntimeException
    permits DependencyUnavailable, DependencyNoAnswer {
  private final transient DependencyGuard guard;

  DependencyFailure(DependencyGuard guard, String message) {
    super(message, null, false, false);   // one per refused call while down: no stack traces
    this.guard = guard;
  }

  /** The dependency's name, as in logs and metrics: {@code mariadb}, {@code redis}. */
  public String dependency() {
    return guard.name();
  }

  /** Counts messages that this failure cost, for the outage's log lines and metrics. */
  public abstract void countMessages(int messages);

  DependencyGuard guard() {
    return guard;
  }
}
