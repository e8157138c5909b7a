package michat.contract;

/**
 * A one-way message of the event bus (published to every consumer, or sent to one), with its record
 * type. Per-node topics name the node {@code <node>} in their address ({@link #at}).
 */
public record Topic<T>(String address, Class<T> type, String senders, String description) {
  /** The address of a per-node topic (written with {@code <node>} in it) for one node. */
  public String at(String node) {
    return address.replace("<node>", node);
  }
}
