package michat.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashSet;
import michat.contract.ServiceBus;
import michat.contract.v1.ServiceApi;
import michat.contract.v1.ServiceApi.CatchUp;
import michat.contract.v1.ServiceApi.HistoryQuery;
import michat.contract.v1.ServiceApi.MessagesStored;
import michat.contract.v1.ServiceApi.PresenceQuery;
import michat.contract.v1.ServiceApi.SendMessage;
import michat.contract.v1.ServiceApi.Sent;
import michat.contract.v1.ServiceApi.ServiceLogin;
import michat.contract.v1.ServiceApi.ServiceSession;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPage;
import michat.contract.v1.ServiceApi.StreamPosition;
import michat.contract.v1.ServiceApi.UserRegistered;
import michat.model.Conversations;

/**
 * What another service uses to talk to michat, from its own JVM once that has joined michat's cluster
 * (with the cluster credentials): the michat.v1 addresses ({@link ServiceApi}) as methods. A client
 * is one logged-in service account: everything it sends is sent as that account, through the chat
 * path (checked, stored first, numbered, delivered); it can never speak as a user.
 *
 * <p>Refusals come back as failed futures carrying a {@link michat.contract.Refusal} (e.g.
 * {@code not_a_service_account}, {@code not_authenticated} once the session expired: log in again),
 * except a message's own fate, which {@link Sent} tells ({@code ok}, or a chat error code).
 */
public final class MichatClient {
  /** Messages per history page unless asked otherwise. */
  public static final int PAGE_SIZE = 50;

  private final Vertx vertx;
  private final ServiceBus bus;
  private final ServiceSession session;

  private MichatClient(Vertx vertx, ServiceBus bus, ServiceSession session) {
    this.vertx = vertx;
    this.bus = bus;
    this.session = session;
  }

  /** Logs the service account in (throttled like any login: a wrong password repeated locks it for a while). */
  public static Future<MichatClient> login(Vertx vertx, String name, String password) {
    ServiceBus bus = ServiceBus.of(vertx);
    return bus.request(ServiceApi.LOGIN, new ServiceLogin(name, password))
        .map(session -> new MichatClient(vertx, bus, session));
  }

  public ServiceSession session() {
    return session;
  }

  /** The service account's user id: messages it sent carry it as their sender. */
  public long userId() {
    return session.userId();
  }

  // ---- messages ----

  public Future<Sent> sendToUser(long userId, String content) {
    return sendToUser(userId, content, null);
  }

  /** {@code clientMsgId}: send again with the same id after a failure or an {@code unknown}, and it is stored once. */
  public Future<Sent> sendToUser(long userId, String content, String clientMsgId) {
    return send(SendMessage.PRIVATE, userId, content, clientMsgId);
  }

  /** To a group the service account is a member of ({@code not_a_member} otherwise). */
  public Future<Sent> sendToGroup(long groupId, String content) {
    return sendToGroup(groupId, content, null);
  }

  public Future<Sent> sendToGroup(long groupId, String content, String clientMsgId) {
    return send(SendMessage.GROUP, groupId, content, clientMsgId);
  }

  private Future<Sent> send(int type, long targetId, String content, String clientMsgId) {
    return bus.request(ServiceApi.SEND, new SendMessage(session.caller(), type, targetId, 1, content, "", clientMsgId));
  }

  /** Page {@code page} (0 = the newest) of a conversation the account takes part in, newest first. */
  public Future<List<StoredMessage>> history(String conversation, int page) {
    return history(conversation, page, PAGE_SIZE);
  }

  public Future<List<StoredMessage>> history(String conversation, int page, int pageSize) {
    return bus.request(ServiceApi.HISTORY, new HistoryQuery(session.caller(), conversation, page, pageSize))
        .map(ServiceApi.HistoryPage::messages);
  }

  /** The conversation of two users, as history and stored messages name it. */
  public static String privateConversation(long userA, long userB) {
    return Conversations.privateChat(userA, userB);
  }

  public static String groupConversation(long groupId) {
    return Conversations.group(groupId);
  }

  // ---- presence (listed service accounts only) ----

  /** Which of these users are online now. */
  public Future<Set<Long>> presence(Collection<Long> userIds) {
    return bus.request(ServiceApi.PRESENCE, new PresenceQuery(session.caller(), List.copyOf(userIds)))
        .map(online -> new LinkedHashSet<>(online.userIds()));
  }

  // ---- the stream of stored messages ----

  /**
   * Every message stored from now on, as it is stored, while this JVM is in the cluster: at most
   * once (a message published while the consumer was away or its link was down is not repeated).
   * For nothing missed, see {@link #follow}.
   */
  public MessageConsumer<MessagesStored> onMessageStored(Handler<StoredMessage> handler) {
    return bus.subscribe(ServiceApi.MESSAGES_STORED, batch -> batch.messages().forEach(handler::handle));
  }

  /**
   * Every stored message after {@code after}, live and caught up from the database: at least once,
   * nothing missed, also across restarts when the consumer keeps {@link StreamFollower#position()}
   * and starts from it. For listed service accounts only (the catch-up reads every user's messages).
   */
  public StreamFollower follow(StreamPosition after, Handler<StoredMessage> handler) {
    return StreamFollower.start(vertx, this, after, handler);
  }

  /** Stored messages after {@code after}, oldest first, at most {@code limit} (listed service accounts only). */
  public Future<StreamPage> catchUp(StreamPosition after, int limit) {
    return bus.request(ServiceApi.CATCH_UP, new CatchUp(session.caller(), after, limit));
  }

  /**
   * Where the catch-up ends now (listed service accounts only): following from there skips what was
   * stored before, but for the newest seconds, which the catch-up holds back and so come again.
   */
  public Future<StreamPosition> streamEnd() {
    return streamEnd(StreamPosition.START);
  }

  private Future<StreamPosition> streamEnd(StreamPosition from) {
    return catchUp(from, ServiceApi.MAX_PAGE)
        .compose(page -> page.complete() ? Future.succeededFuture(page.next()) : streamEnd(page.next()));
  }

  // ---- accounts ----

  /** Every account created from now on. */
  public MessageConsumer<UserRegistered> onUserRegistered(Handler<UserRegistered> handler) {
    return bus.subscribe(ServiceApi.USER_REGISTERED, handler);
  }
}
