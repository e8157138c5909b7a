package michat.contract.v1;

import static michat.contract.Validated.missing;

import java.util.List;
import java.util.Objects;
import michat.contract.ActsForUser;
import michat.contract.Caller;
import michat.contract.Endpoint;
import michat.contract.Topic;
import michat.contract.UserApi;
import michat.contract.Validated;
import michat.model.Conversations;

/**
 * michat's event-bus API for other services (version 1): what a notification service, a bot or an
 * indexer in a JVM of its own uses once it has joined the cluster with the cluster credentials. Every
 * address carries the version ({@code michat.v1.…}); the other addresses of {@code michat.contract}
 * are michat's internals and may change with any release.
 *
 * <p>A service acts as a michat account of its own (a "service account"): it logs in with name and
 * password ({@link #LOGIN}) and every later request carries that {@link Caller}, verified like a
 * chat user's. So a service sends as itself, through the same path as a chat frame (checked, stored
 * first, numbered, delivered), and can never speak as a user. Reading every user's messages (the
 * stream's catch-up) or anyone's presence is for the accounts the operator lists in
 * {@code services.accounts} only.
 *
 * <p>Compatibility within v1 (docs/event-bus.md): a record may gain fields (receivers ignore unknown
 * fields; an absent field reads as null, so an added field has a type that can be null: a missing
 * primitive is refused); an address may gain callers and refusals. Renaming
 * or removing a field or an address, changing a type or a meaning, takes {@code michat.v2.…}, served
 * beside v1 for at least one release.
 */
public final class ServiceApi {
  private ServiceApi() {}

  /** Most users one presence query names, most messages one page or catch-up returns. */
  public static final int MAX_IDS = 1000;
  public static final int MAX_PAGE = 1000;

  // ---- identity ----

  public record ServiceLogin(String name, String password) implements Validated {
    @Override
    public String problem() {
      return missing("name", name, "password", password);
    }
  }

  /** A logged-in service account: {@link #caller} goes with every request; the token is a session's. */
  public record ServiceSession(long userId, String name, String token) {
    public Caller caller() {
      return new Caller(userId, token);
    }

    @Override
    public String toString() {   // never log a token
      return "ServiceSession[userId=" + userId + ", name=" + name + "]";
    }
  }

  // ---- messages ----

  /**
   * A message from the caller to a user ({@code type} 1) or a group the caller is a member of (2).
   * {@code media}: 1 text, 2 sticker, 3 voice, 4 image ({@code url} a picture of this server, else
   * empty). {@code clientMsgId} (optional, at most 64 characters): a re-send with the same id is
   * stored once and answered {@code duplicate}.
   */
  public record SendMessage(Caller caller, int type, long targetId, int media, String content, String url,
                            String clientMsgId) implements ActsForUser, Validated {
    public static final int PRIVATE = 1;
    public static final int GROUP = 2;

    @Override
    public String problem() {
      String absent = missing("content", content, "url", url);
      if (absent != null) {
        return absent;
      }
      if (type != PRIVATE && type != GROUP) {
        return "type must be 1 (private) or 2 (group)";
      }
      if (targetId <= 0) {
        return "targetId must be a positive id";
      }
      return media < 1 || media > 4 ? "media must be 1..4" : null;
    }
  }

  /**
   * What became of a message: stored ({@code ok}: its conversation, sequence number and stream
   * position; {@code duplicate} for a re-send), or refused with a chat error code (docs/protocol.md:
   * {@code no_such_user}, {@code not_a_member}, {@code too_large}, {@code unavailable}, {@code unknown}
   * …) and a sentence.
   */
  public record Sent(boolean ok, String conversation, long seq, StreamPosition position, boolean duplicate,
                     String error, String message) {}

  /**
   * A page of a conversation the caller takes part in: page 0 the newest {@code pageSize} messages,
   * page 1 the ones before, …; newest first.
   */
  public record HistoryQuery(Caller caller, String conversation, int page, int pageSize)
      implements ActsForUser, Validated {
    @Override
    public String problem() {
      String absent = missing("conversation", conversation);
      if (absent != null) {
        return absent;
      }
      if (!Conversations.isWellFormed(conversation)) {
        return "conversation is not a conversation id (p:<low>:<high> or g:<group>)";
      }
      return page < 0 || pageSize < 1 || pageSize > MAX_PAGE ? "page must be >= 0 and pageSize 1.." + MAX_PAGE : null;
    }
  }

  public record HistoryPage(List<StoredMessage> messages) {}

  // ---- presence ----

  /** (List.of's contains(null) throws: the checks stream.) */
  public record PresenceQuery(Caller caller, List<Long> userIds) implements ActsForUser, Validated {
    @Override
    public String problem() {
      return userIds == null || userIds.size() > MAX_IDS || userIds.stream().anyMatch(Objects::isNull)
          ? "userIds: 0.." + MAX_IDS + " ids" : null;
    }
  }

  /** Which of the users asked about are online now. */
  public record Online(List<Long> userIds) {}

  // ---- the stream of stored messages ----

  /**
   * A place in the stream of stored messages. Opaque: keep it and hand it back, never compute with it
   * (what it holds may change within v1). {@link #START} is before the first message.
   */
  public record StreamPosition(String value) {
    public static final StreamPosition START = new StreamPosition("0");
  }

  /**
   * A stored message as the stream, catch-up and history give it. Recipients: for a private message
   * ({@code type} 1) the user {@code targetId}; for a group message (2) the members of group
   * {@code targetId} — the group, not a member list, because who was a member at that moment is not
   * kept, and a catch-up must give the same record as the live stream. {@code payload}: the frame as
   * chat clients get it (JSON text). {@code createdAt}: ISO-8601 UTC, milliseconds.
   */
  public record StoredMessage(StreamPosition position, String conversation, long seq, long senderId, int type,
                              long targetId, int media, String content, String url, String payload,
                              String createdAt) {}

  /** The messages of one committed store transaction, in the order they were numbered. */
  public record MessagesStored(List<StoredMessage> messages) implements Validated {
    @Override
    public String problem() {
      return messages == null || messages.stream().anyMatch(Objects::isNull) ? "messages are required" : null;
    }
  }

  /**
   * Stored messages after {@code after} (every conversation), oldest first, at most {@code limit}.
   * For service accounts listed in {@code services.accounts} only.
   */
  public record CatchUp(Caller caller, StreamPosition after, int limit) implements ActsForUser, Validated {
    @Override
    public String problem() {
      String absent = missing("after", after);
      if (absent != null || after.value() == null) {
        return "after is required (StreamPosition.START for the beginning)";
      }
      return limit < 1 || limit > MAX_PAGE ? "limit must be 1.." + MAX_PAGE : null;
    }
  }

  /**
   * {@code next}: where the following catch-up starts. {@code complete}: nothing more is old enough to
   * be given yet (the newest seconds of the stream come live; see docs/event-bus.md).
   */
  public record StreamPage(List<StoredMessage> messages, StreamPosition next, boolean complete) {}

  // ---- accounts ----

  /** An account was created. {@code createdAt}: ISO-8601 UTC. */
  public record UserRegistered(long userId, String name, String createdAt) {}

  // ---- the addresses ----

  private static final String SERVICES = "services";
  private static final String LISTED = "services listed in services.accounts";

  public static final Endpoint<ServiceLogin, ServiceSession> LOGIN = Endpoint.of("michat.v1.login",
      ServiceLogin.class, ServiceSession.class, SERVICES,
      "Logs a service account in (throttled like any login); the session's caller goes with every later request.")
      .withTimeout(UserApi.ACCOUNT_TIMEOUT_MS);
  public static final Endpoint<SendMessage, Sent> SEND = Endpoint.of("michat.v1.messages.send",
      SendMessage.class, Sent.class, SERVICES,
      "Sends as the caller through the chat path: checked, stored first, numbered, delivered, then answered.");
  public static final Endpoint<HistoryQuery, HistoryPage> HISTORY = Endpoint.of("michat.v1.messages.history",
      HistoryQuery.class, HistoryPage.class, SERVICES,
      "A page of a conversation the caller takes part in (as a chat user may read it).");
  public static final Endpoint<CatchUp, StreamPage> CATCH_UP = Endpoint.of("michat.v1.messages.catchUp",
      CatchUp.class, StreamPage.class, LISTED,
      "Stored messages of every conversation after a stream position, from the database; others: 403.");
  public static final Endpoint<PresenceQuery, Online> PRESENCE = Endpoint.of("michat.v1.presence.online",
      PresenceQuery.class, Online.class, LISTED, "Which of these users are online now; others: 403.");

  public static final Topic<MessagesStored> MESSAGES_STORED = new Topic<>("michat.v1.messages.stored",
      MessagesStored.class, "router",
      "Every stored message, once, after its transaction committed (at least once with the catch-up).");
  public static final Topic<UserRegistered> USER_REGISTERED = new Topic<>("michat.v1.users.registered",
      UserRegistered.class, "user-service", "An account was created.");

  public static final List<Endpoint<?, ?>> ENDPOINTS = List.of(LOGIN, SEND, HISTORY, CATCH_UP, PRESENCE);
  public static final List<Topic<?>> TOPICS = List.of(MESSAGES_STORED, USER_REGISTERED);
}
