package michat.storage;

/**
 * A transaction's COMMIT was sent but did not succeed as far as the client can tell (no answer, the
 * connection lost, or an error): the database may or may not have applied it. Callers that tell users
 * "not stored" must not say so for this failure.
 */
public final class CommitUnknown extends RuntimeException {
  public CommitUnknown(Throwable cause) {
    super("the outcome of the commit is unknown: " + cause.getMessage(), cause);
  }
}
