package michat.contract;

import java.util.List;
import java.util.Map;
import michat.model.Conversations;

/**
 * message-router's contracts: chat frames in, what a user missed, delivery cursors, gap fill and
 * history. Every request acts for a user ({@link Caller}), whose token the router checks itself.
 * Messages come in read by the gateway ({@link ChatMessage}) and go out as stored (JSON text).
 */
public final class RouterApi {
  private RouterApi() {}

  // ---- chat frames ----

  /**
   * A chat message as its gateway read it from the client's frame. {@code payload} is what recipients
   * and history get: the client's JSON object as sent, its sender forced to the caller
   * ({@link michat.model.MessagePayload}). The router checks the limits it is configured with
   * (content size, media URLs) and that the payload names no other sender.
   */
  public record ChatMessage(int type, long targetId, int media, String content, String url, int amount,
                            String clientMsgId, String payload) implements Validated {
    public static final int PRIVATE = 1;
    public static final int GROUP = 2;
    public static final int MAX_CLIENT_ID_CHARS = 64;
    /** The payload column holds at most this many characters. */
    public static final int MAX_PAYLOAD_CHARS = 9000;

    @Override
    public String problem() {
      if (type != PRIVATE && type != GROUP) {
        return "type must be 1 (private) or 2 (group)";
      }
      if (targetId <= 0) {
        return "targetId must be a positive id";
      }
      if (media < 1 || media > 4 || amount < 0) {
        return "media must be 1..4 and amount not negative";
      }
      if (content == null || url == null || payload == null) {
        return "content, url and payload are required (empty when absent)";
      }
      if (payload.length() > MAX_PAYLOAD_CHARS || clientMsgId != null && clientMsgId.length() > MAX_CLIENT_ID_CHARS) {
        return "payload or clientMsgId too long";
      }
      return null;
    }
  }

  /** A chat message from a gateway; {@code sessionId} is the sending session (v2 copies skip it). */
  public record Inbound(Caller caller, String sessionId, ChatMessage message) implements ActsForUser, Validated {
    @Override
    public String problem() {
      String missing = Validated.missing("sessionId", sessionId, "message", message);
      return missing != null ? missing : message.problem();
    }
  }

  /** The v2 signals: relayed to a conversation's other participants, never stored. */
  public enum SignalKind { typing, delivered, read }

  /** A v2 signal about a conversation; {@code seq} is 0 for typing. */
  public record Signal(Caller caller, SignalKind kind, String conversation, long seq) implements ActsForUser, Validated {
    @Override
    public String problem() {
      String missing = Validated.missing("kind", kind, "conversation", conversation);
      if (missing != null) {
        return missing;
      }
      if (!Conversations.isWellFormed(conversation)) {
        return "conversation is not a conversation id";
      }
      return seq < 0 ? "seq must not be negative" : null;
    }
  }

  /**
   * What became of a frame: stored ({@code ok}, with its id, conversation and sequence number;
   * {@code duplicate} when a re-send of a message already stored), or refused with a protocol error
   * code and a message for the user.
   */
  public record Outcome(boolean ok, long id, String conversation, long seq, boolean duplicate, String error,
                        String message) {
    public static final Outcome RELAYED = new Outcome(true, 0, null, 0, false, null, null);

    public static Outcome stored(long id, String conversation, long seq, boolean duplicate) {
      return new Outcome(true, id, conversation, seq, duplicate, null, null);
    }

    public static Outcome refused(String error, String message) {
      return new Outcome(false, 0, null, 0, false, error, message);
    }
  }

  // ---- what a user missed ----

  /** A connecting user's backlog: after the saved cursors, or after {@code cursors} for the conversations named. */
  public record CatchUp(Caller caller, Map<String, Long> cursors) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return Validated.missing("cursors", cursors);
    }
  }

  /** A stored message addressed to the user; {@code base}: the user's cursor in its conversation before it. */
  public record Missed(String conversation, long seq, long base, String frame) {}

  /** {@code ignored}: named conversations that are not the user's. */
  public record Backlog(List<Missed> messages, List<String> ignored) {}

  /** How far sessions were served, saved in one transaction. */
  public record SaveCursors(List<UserCursors> users) implements Validated {
    @Override
    public String problem() {
      return users == null || users.stream().anyMatch(u -> u == null || u.caller() == null || u.cursors() == null)
          ? "users, each with caller and cursors, are required" : null;
    }
  }

  public record UserCursors(Caller caller, Map<String, Long> cursors) {}

  /** A gap: the messages addressed to the user in (after, upto] of a conversation (after null: from the saved cursor). */
  public record Fill(Caller caller, String conversation, Long after, long upto) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return Validated.missing("conversation", conversation);
    }
  }

  public record Sequenced(long seq, String frame) {}

  /** {@code complete}: false when the limit cut the range short. */
  public record Range(long base, List<Sequenced> messages, boolean complete) {}

  /** A page of a conversation's history; indexes as in Redis ranges, from the newest unless {@code rev}. */
  public record History(Caller caller, String conversation, long start, long end, boolean rev)
      implements ActsForUser, Validated {
    @Override
    public String problem() {
      return Validated.missing("conversation", conversation);
    }
  }

  /** The stored frames of a history page, as JSON text. */
  public record Page(List<String> messages) {}

  public static final Endpoint<Inbound, Outcome> INBOUND = Endpoint.of("michat.router.inbound",
      Inbound.class, Outcome.class, "gateway", "Validates, stores (sequence-numbered) and delivers a chat frame.");
  public static final Endpoint<Signal, Outcome> SIGNAL = Endpoint.of("michat.router.signal",
      Signal.class, Outcome.class, "gateway", "Relays a v2 typing/delivered/read signal to the conversation's others.");
  public static final Endpoint<CatchUp, Backlog> CATCH_UP = Endpoint.of("michat.router.catchUp",
      CatchUp.class, Backlog.class, "gateway", "What a connecting user missed.");
  public static final Endpoint<SaveCursors, Done> CURSORS = Endpoint.of("michat.router.cursors",
      SaveCursors.class, Done.class, "gateway", "Saves delivery cursors; every entry's caller is checked.");
  public static final Endpoint<Fill, Range> FILL = Endpoint.of("michat.router.fill",
      Fill.class, Range.class, "gateway", "Gap fill of one conversation for one user.");
  public static final Endpoint<History, Page> HISTORY = Endpoint.of("michat.router.history",
      History.class, Page.class, "web", "A page of a conversation's history, for a participant or member.");

  static final List<Endpoint<?, ?>> ENDPOINTS = List.of(INBOUND, SIGNAL, CATCH_UP, CURSORS, FILL, HISTORY);

  // ---- deliveries to gateway nodes (the router's pushes) ----
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

  /** A v2 signal of user {@code from} for the v2 sessions of the users {@code to}; the gateway encodes it. */
  public record SignalDelivery(List<Long> to, SignalKind kind, long from, String conversation, long seq) {}

  /**
   * What one publish brings a gateway node: the stored messages of one router turn, in order, or one
   * signal; the other one is null.
   */
  public record Deliveries(List<Delivery> messages, SignalDelivery signal) implements Validated {
    /** One check per message of the batch (not per recipient): what a gateway's loops rely on. */
    @Override
    public String problem() {
      if (signal != null) {
        return signal.to() == null || signal.kind() == null || signal.conversation() == null
            ? "a signal needs to, kind and conversation" : null;
      }
      if (messages == null) {
        return "messages or signal is required";
      }
      for (Delivery d : messages) {
        if (d == null || d.to() == null || d.conversation() == null || d.frame() == null) {
          return "every delivery needs to, conversation and frame";
        }
      }
      return null;
    }

    public static Deliveries of(List<Delivery> messages) {
      return new Deliveries(messages, null);
    }

    public static Deliveries of(SignalDelivery signal) {
      return new Deliveries(null, signal);
    }
  }

  public static final Topic<Deliveries> DELIVER = new Topic<>("gateway.<node>.deliver", Deliveries.class,
      "router", "Live pushes of stored messages and v2 signals to the users connected on a node (every instance).");

  public static final Topic<Deliveries> DELIVER_EVERYWHERE = new Topic<>("michat.gateways.deliver", Deliveries.class,
      "router", "Live pushes for users whose node presence could not tell (Redis not answering): every gateway"
          + " instance of every node hands them to its own sessions of the recipients.");

  static final List<Topic<?>> TOPICS = List.of(DELIVER, DELIVER_EVERYWHERE);
}
