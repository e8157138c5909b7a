package michat.contract;

import java.util.List;

/** Router contracts: being converted from the JSON bodies of {@link michat.model.Addresses}. */
public final class RouterApi {
  private RouterApi() {}

  // ==== deliveries to gateway nodes (the router's pushes) ====
  // Hot path (a group message fans out to every member's node): within a JVM the record is handed to
  // every gateway instance of the node as-is, so frames stay the pre-encoded text the router stored
  // and nobody may change a list after publishing it.

  /**
   * A stored message for the users {@code to} on a node: {@code frame} is the message as stored,
   * {@code prev} the conversation's sequence number before it (a gateway that has not seen it fills the
   * gap from the store). {@code exceptSession} non-null: a copy of the sender's own private message
   * for the sender's other v2 sessions than that one. {@code receivedAt}: when the router took the
   * message (epoch ms; the delivery-latency metric), 0 for copies.
   */
  public record Delivery(List<Long> to, String conversation, long seq, long prev, String frame,
                         String exceptSession, long receivedAt) {}

  /** A v2 signal (typing, delivered, read; the encoded frame) for the v2 sessions of the users {@code to}. */
  public record Signal(List<Long> to, String frame) {}

  /**
   * What one publish brings a gateway node: the stored messages of one router turn, in order, or one
   * signal; the other one is null.
   */
  public record Deliveries(List<Delivery> messages, Signal signal) {
    public static Deliveries of(List<Delivery> messages) {
      return new Deliveries(messages, null);
    }

    public static Deliveries of(Signal signal) {
      return new Deliveries(null, signal);
    }
  }

  public static final Topic<Deliveries> DELIVER = new Topic<>("gateway.<node>.deliver", Deliveries.class,
      "router", "Live pushes of stored messages and v2 signals to the users connected on a node (every instance).");

  // ==== end of deliveries ====

  static final List<Endpoint<?, ?>> ENDPOINTS = List.of();
  static final List<Topic<?>> TOPICS = List.of(DELIVER);
}
