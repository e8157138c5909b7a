package michat.router;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import michat.auth.CallerCheck;
import michat.auth.SessionTokens;
import michat.contract.Caller;
import michat.contract.Done;
import michat.contract.Endpoint;
import michat.contract.RouterApi;
import michat.contract.RouterApi.*;
import michat.contract.Refusal;
import michat.contract.Rejection;
import michat.contract.ServiceBus;
import michat.contract.v1.ServiceApi;
import michat.config.ConfigKeys;
import michat.config.MediaUrlSettings;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import michat.model.MediaUrls;
import michat.model.Conversations;
import michat.model.Failures;
import michat.model.MessagePayload;
import michat.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * message-router: validates chat frames from every gateway, stores each accepted message (with its
 * conversation sequence number) before anything is delivered, then sends one event-bus message per
 * gateway node that holds recipients. Serves offline catch-up, delivery cursors and history. Every
 * request acts for a user whose session token the router checks itself ({@link ServiceBus}). Also
 * serves the messages of michat.v1 to other services ({@link ServiceEndpoints}) and publishes every
 * stored message on their stream ({@link StoredStream}).
 */
public class MessageRouterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MessageRouterVerticle.class);
  /** The most messages one history page returns. */
  static final int HISTORY_PAGE_MAX = 1000;

  private Pool pool;
  private MessageRepository repo;
  private MessageReader reader;
  private DeliveryCursors cursors;
  private StoreQueue store;
  private DeliveryPublisher deliveries;
  private StoredStream stream;
  private Membership membership;
  private int maxContentBytes;
  private MediaUrls mediaUrls;
  private int catchUpLimit;
  private Admission catchUps;
  private MichatMetrics metrics;
  private CallerCheck callers;
  private ServiceBus bus;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /**
   * A message is refused unwritten when it has waited for the database this long: before its
   * gateway stops waiting (the endpoint's timeout), with room for the reply's way back.
   */
  static final long STORE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(RouterApi.INBOUND.timeoutMs() - 2_000);
  private static final long WAIT_CHECK_MS = 250;
  /** Added to the storage call timeout: how long the stream's catch-up holds back the newest messages ({@link StreamReader}). */
  static final long COMMIT_LAG_MARGIN_MS = 5_000;

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    Database database = new Database(cfg);
    pool = database.pool(vertx);
    repo = new MessageRepository(pool, database.isEmbedded());
    reader = new MessageReader(pool);
    cursors = new DeliveryCursors(pool);
    metrics = MichatMetrics.of(cfg);
    store = new StoreQueue(repo::storeBatch, cfg.integer(ConfigKeys.STORE_BATCH_MAX, 1, 10_000),
        cfg.integer(ConfigKeys.STORE_CONCURRENCY, 1, 64), cfg.integer(ConfigKeys.STORE_MAX_WAITING, 1, 10_000_000),
        cfg.number(ConfigKeys.STORE_MAX_WAITING_BYTES, 1024, 1L << 40), metrics);
    vertx.setPeriodic(WAIT_CHECK_MS, id -> store.dropExpired());
    callers = new CallerCheck(new SessionTokens(vertx, cfg));
    bus = ServiceBus.serving(vertx, callers);
    deliveries = new DeliveryPublisher(vertx, metrics, vertx.isClustered());
    stream = new StoredStream(vertx, bus);
    membership = new Membership(bus);
    maxContentBytes = cfg.integer(ConfigKeys.MESSAGE_MAX_CONTENT_BYTES, 1, 4096);
    mediaUrls = MediaUrlSettings.from(cfg);
    catchUpLimit = cfg.integer(ConfigKeys.CATCH_UP_LIMIT, 1, 100_000);
    catchUps = new Admission(cfg.integer(ConfigKeys.CATCH_UP_CONCURRENCY, 1, 1_000),
        RouterApi.CATCH_UP.timeoutMs());   // a catch-up queued longer than its gateway waits is dropped

    serve(RouterApi.INBOUND, this::inbound);
    serve(RouterApi.CATCH_UP, this::catchUp);
    serve(RouterApi.CURSORS, this::cursors);
    serve(RouterApi.HISTORY, this::history);
    serve(RouterApi.FILL, this::fill);
    serve(RouterApi.SIGNAL, this::signal);
    ServiceEndpoints v1 = new ServiceEndpoints(this, bus,
        new StreamReader(pool, cfg.number(ConfigKeys.STORAGE_CALL_TIMEOUT_MS, 10, 600_000) + COMMIT_LAG_MARGIN_MS),
        new ServiceAccounts(cfg.string(ConfigKeys.SERVICE_ACCOUNTS), bus));
    serve(ServiceApi.SEND, v1::send);
    serve(ServiceApi.HISTORY, v1::history);
    serve(ServiceApi.CATCH_UP, v1::catchUp);
    serve(ServiceApi.PRESENCE, v1::presence);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  private <Q, R> void serve(Endpoint<Q, R> endpoint, Function<Q, Future<R>> handler) {
    consumers.add(bus.serve(endpoint, handler, LOG));
  }

  /**
   * Validate, check the target, store, deliver, acknowledge. A refused frame is answered with a
   * refused {@link Outcome} and stores nothing; only {@code unknown} (a commit without an answer) may
   * still have been stored. A frame re-sent with the same clientMsgId is acknowledged as the message
   * already stored ({@code duplicate}) and not delivered again.
   */
  Future<Outcome> inbound(Inbound req) {
    long receivedAt = System.currentTimeMillis();
    long storeDeadline = System.nanoTime() + STORE_WAIT_NANOS;
    long senderId = req.caller().userId();
    ChatMessage message = req.message();
    try {
      checkLimits(message, senderId);
    } catch (Rejection r) {
      return Future.succeededFuture(r.toReply());
    }
    Future<Recipients> recipients = message.type() == ChatMessage.PRIVATE
        ? membership.userExists(req.caller(), message.targetId())
            .map(v -> new Recipients(Conversations.privateChat(senderId, message.targetId()), List.of(message.targetId())))
        : membership.members(message.targetId()).map(members -> {
            if (!members.contains(senderId)) {
              throw new Rejection(Rejection.NOT_A_MEMBER, "you are not a member of group " + message.targetId());
            }
            return new Recipients(Conversations.group(message.targetId()), List.copyOf(members));
          });
    // Pushed before the sender hears back, so one sender's messages reach recipients in order even
    // when several routers share the work.
    return recipients
        .compose(to -> {
          long storeStart = System.nanoTime();
          // v2 multi-device: a private message also reaches the sender's other sessions.
          Long copiesFor = message.type() == ChatMessage.PRIVATE && message.targetId() != senderId ? senderId : null;
          MessageRepository.NewMessage newMessage = new MessageRepository.NewMessage(to.conversation, senderId, message);
          return store.store(newMessage, storeDeadline)
              .compose(stored -> {
                if (stored.duplicate()) {
                  return Future.succeededFuture(stored);
                }
                metrics.recordStore(storeStart);
                metrics.messagesIn.increment();
                stream.add(StreamRecords.of(newMessage, stored));
                return deliveries.push(stored, to.userIds, copiesFor, req.sessionId(), receivedAt).map(stored);
              })
              .onFailure(err -> {
                if (err instanceof Unconfirmed u) {
                  // Stored after all, once the database answered: recipients get it then.
                  u.late().onSuccess(stored -> {
                    if (!stored.duplicate()) {
                      metrics.messagesIn.increment();
                      stream.add(StreamRecords.of(newMessage, stored));
                      deliveries.push(stored, to.userIds, copiesFor, req.sessionId(), receivedAt);
                    }
                  });
                }
              });
        })
        .map(MessageRepository.Stored::toOutcome)
        .recover(err -> Future.succeededFuture(refusalOf(err).toReply()));
  }

  /** What a sender is told about a message that was not stored — or, for a commit without an answer, may have been. */
  private static Rejection refusalOf(Throwable err) {
    if (err instanceof Rejection r) {
      return r;
    }
    if (err instanceof Unconfirmed) {
      return new Rejection(Rejection.UNKNOWN, "not confirmed: the database did not answer; "
          + "it may still be delivered — send it again with the same clientMsgId");
    }
    return new Rejection(Rejection.UNAVAILABLE, "not stored (" + err.getMessage() + "), please send it again");
  }

  /**
   * What this router is configured to allow, and that the payload speaks for its sender only: a
   * gateway read the frame, but the event bus is open to any member of the cluster.
   */
  private void checkLimits(ChatMessage message, long senderId) {
    if (message.content().getBytes(StandardCharsets.UTF_8).length > maxContentBytes) {
      throw new Rejection(Rejection.TOO_LARGE, "Content is longer than " + maxContentBytes + " bytes");
    }
    // Recipients' browsers fetch it as soon as the conversation shows: a static file of this server only.
    mediaUrls.problem("url", message.url()).ifPresent(problem -> {
      throw new Rejection(Rejection.BAD_URL, problem);
    });
    if (!MessagePayload.isFrom(message.payload(), senderId)) {
      throw new Rejection(Rejection.BAD_FIELD, "the message must be a JSON object whose userId is its sender");
    }
  }

  private record Recipients(String conversation, List<Long> userIds) {}

  /** Typing, delivered and read signals of v2: checked and relayed to the conversation's others, never stored. */
  private Future<Outcome> signal(Signal req) {
    long senderId = req.caller().userId();
    String conversation = req.conversation();
    return mayRead(senderId, conversation)
        .compose(v -> Conversations.isGroup(conversation)
            ? membership.members(Conversations.groupId(conversation)).map(m -> m.stream().filter(id -> id != senderId).toList())
            : Future.succeededFuture(List.of(Conversations.otherParticipant(conversation, senderId))))
        .compose(others -> deliveries.signal(req, others))
        .map(v -> Outcome.RELAYED)
        .recover(err -> Future.succeededFuture(signalRefused(err).toReply()));
  }

  private static Rejection signalRefused(Throwable err) {
    return switch (Failures.codeOf(err)) {
      case Failures.FORBIDDEN -> new Rejection(Rejection.NOT_A_MEMBER, "not your conversation, or not a member of its group");
      case Failures.NOT_FOUND -> new Rejection(Rejection.NO_SUCH_GROUP, "no such group");
      default -> new Rejection(Rejection.UNAVAILABLE, "not relayed now, please try again");
    };
  }

  /**
   * The backlog of a connecting user: after the saved cursors, or after the cursors a resuming v2
   * client sent for the conversations it names. Named conversations that are not the user's are
   * left out and listed as {@code ignored}.
   */
  private Future<Backlog> catchUp(CatchUp req) {
    return catchUps.run(() -> backlog(req.caller(), req.cursors()));
  }

  private Future<Backlog> backlog(Caller user, Map<String, Long> given) {
    long userId = user.userId();
    return membership.groupConversations(user)
        .compose(groups -> {
          Map<String, Long> resumed = new HashMap<>();
          List<String> ignored = new ArrayList<>();
          given.forEach((conversation, seq) -> {
            boolean mine = Conversations.isGroup(conversation) ? groups.containsKey(conversation)
                : Conversations.isParticipant(conversation, userId);
            if (mine && seq != null) {
              resumed.put(conversation, seq);
            } else {
              ignored.add(conversation);
            }
          });
          return reader.missed(userId, groups, resumed, catchUpLimit).map(messages -> new Backlog(messages, ignored));
        });
  }

  /**
   * Saves how far users were served, in one transaction. Each entry's caller is checked like a
   * request's: a peer cannot move another user's cursors (which would hide messages from catch-up).
   */
  private Future<Done> cursors(SaveCursors req) {
    Map<Long, Map<String, Long>> all = new HashMap<>();
    List<Future<?>> checks = new ArrayList<>(req.users().size());
    for (UserCursors u : req.users()) {
      checks.add(callers.verify(u.caller()));
      Map<String, Long> cursors = all.computeIfAbsent(u.caller().userId(), k -> new HashMap<>());
      u.cursors().forEach((conversation, seq) -> {
        if (conversation != null && seq != null) {
          cursors.merge(conversation, seq, Math::max);
        }
      });
    }
    return Future.all(checks).compose(v -> cursors.advanceCursors(all)).map(Done.DONE);
  }

  /**
   * A gateway noticed a gap: the messages addressed to the user in (after, upto] of a conversation
   * (after absent: from the saved cursor). Group conversations only for members, and never from
   * before the member joined: what came before was not addressed to them, even where the group
   * shares it as history.
   */
  private Future<Range> fill(Fill req) {
    long userId = req.caller().userId();
    String conversation = req.conversation();
    Long after = req.after();
    long upto = req.upto();
    return mayRead(userId, conversation)
        .compose(access -> reader.range(userId, conversation, after, access.joinedAt(), upto, catchUpLimit));
  }

  /**
   * What of a conversation a user may read: after {@code readableAfter} as history, after
   * {@code joinedAt} as messages addressed to them (0, 0: everything).
   */
  private record Access(long readableAfter, long joinedAt) {
    static final Access ALL = new Access(0, 0);
  }

  /**
   * Private conversations only for their two users, group ones only for members (403; 404 for no
   * group); in a group that does not share its earlier history, a member reads from their join on.
   */
  private Future<Access> mayRead(long userId, String conversation) {
    if (!Conversations.isGroup(conversation)) {
      return Conversations.isParticipant(conversation, userId) ? Future.succeededFuture(Access.ALL)
          : Refusal.NOT_YOUR_CONVERSATION.fail();
    }
    return membership.group(Conversations.groupId(conversation))
        .recover(err -> err instanceof Rejection ? Refusal.GROUP_NOT_FOUND.fail() : Future.failedFuture(err))
        .compose(g -> g.members().contains(userId)
            ? Future.succeededFuture(new Access(g.readableAfter(userId), g.joinedAt(userId)))
            : Refusal.NOT_A_MEMBER.fail());
  }

  /**
   * A page of a conversation: indexes count from the newest message (0) unless {@code rev}, then from
   * the oldest; negative indexes count from the other end, as Redis ranges do. Private
   * conversations only for their two users, group ones only for members, and for a member who may
   * not read the group's earlier history, only from the message after they joined: the conversation
   * is then as if it began there (its oldest message is the first after the join).
   */
  private Future<Page> history(History req) {
    return historyRange(req.caller().userId(), req.conversation(), req.start(), req.end(), req.rev(), reader::page)
        .map(Page::new);
  }

  /** Reads a conversation's messages with sequence numbers in [lo, hi], newest or oldest first. */
  interface PageReader<T> {
    Future<List<T>> page(String conversation, long lo, long hi, boolean oldestFirst);
  }

  /** The page {@link #history} describes, read by {@code read} (chat frames, or v1 records). */
  <T> Future<List<T>> historyRange(long requester, String conversation, long start, long end, boolean oldestFirst,
                                   PageReader<T> read) {
    return mayRead(requester, conversation)
        .map(Access::readableAfter)
        .compose(readableAfter -> reader.count(conversation).compose(last -> {
          long n = Math.max(0, last - readableAfter);   // the messages this user may read: readableAfter+1 .. last
          long from = start < 0 ? n + start : start;
          long to = end < 0 ? n + end : end;
          from = Math.max(0, from);
          to = Math.min(n - 1, Math.min(to, from + HISTORY_PAGE_MAX - 1));
          if (n == 0 || from > to) {
            return Future.succeededFuture(List.<T>of());
          }
          // index i counts from the newest (seq last - i) or, reversed, from the oldest readable one
          long lo = oldestFirst ? readableAfter + from + 1 : last - to;
          long hi = oldestFirst ? readableAfter + to + 1 : last - from;
          return read.page(conversation, lo, hi, oldestFirst);
        }));
  }

}
