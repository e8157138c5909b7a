package michat.contract;

/**
 * One request/reply contract of the event bus: the address, the record a caller sends and the one it
 * gets back, how long it waits, who may call and what it does. Calls go through {@link ServiceBus},
 * so a mismatched request or reply type does not compile.
 *
 * @param callers the roles that call it (documentation, and the rule a service's checks follow)
 */
public record Endpoint<Q, R>(String address, Class<Q> request, Class<R> reply, long timeoutMs,
                             String callers, String description) {
  /** How long a caller waits for a service's reply; a service may drop work queued longer than this. */
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  public static <Q, R> Endpoint<Q, R> of(String address, Class<Q> request, Class<R> reply, String callers,
                                         String description) {
    return new Endpoint<>(address, request, reply, DEFAULT_TIMEOUT_MS, callers, description);
  }

  public Endpoint<Q, R> withTimeout(long ms) {
    return new Endpoint<>(address, request, reply, ms, callers, description);
  }
}
