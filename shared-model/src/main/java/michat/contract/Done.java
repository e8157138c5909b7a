package michat.contract;

/** The reply of a request that has nothing to say but that it was done. */
public record Done() {
  public static final Done DONE = new Done();
}
