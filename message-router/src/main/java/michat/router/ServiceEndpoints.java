package michat.router;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import michat.contract.PresenceApi;
import michat.contract.Rejection;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Inbound;
import michat.contract.RouterApi.Outcome;
import michat.contract.ServiceBus;
import michat.contract.v1.ServiceApi.CatchUp;
import michat.contract.v1.ServiceApi.HistoryPage;
import michat.contract.v1.ServiceApi.HistoryQuery;
import michat.contract.v1.ServiceApi.Online;
import michat.contract.v1.ServiceApi.PresenceQuery;
import michat.contract.v1.ServiceApi.SendMessage;
import michat.contract.v1.ServiceApi.Sent;
import michat.contract.v1.ServiceApi.StreamPage;
import michat.model.MessagePayload;

/**
 * michat.v1's message requests from other services, each turned into what the router does for chat
 * clients: a message goes through the chat path ({@link MessageRouterVerticle#inbound}: checked,
 * stored first, numbered, delivered) as its caller, a history page through the same access rules. The
 * stream's catch-up and presence are for the listed service accounts only ({@link ServiceAccounts}).
 * Callers are verified before any of this runs ({@link ServiceBus#serve}). Used from the router
 * verticle's event loop only.
 */
final class ServiceEndpoints {
  /** The "session" of a service's messages: a private message's copies go to every session of the service's account. */
  static final String SESSION = "michat.v1";

  private final MessageRouterVerticle router;
  private final ServiceBus bus;
  private final StreamReader stream;
  private final ServiceAccounts accounts;

  ServiceEndpoints(MessageRouterVerticle router, ServiceBus bus, StreamReader stream, ServiceAccounts accounts) {
    this.router = router;
    this.bus = bus;
    this.stream = stream;
    this.accounts = accounts;
  }

  /** The frame a chat client would have sent, as the gateway reads one; its payload names the caller as sender. */
  Future<Sent> send(SendMessage req) {
    long sender = req.caller().userId();
    JsonObject frame = new JsonObject().put("TargetId", req.targetId()).put("Type", req.type())
        .put("CreateTime", System.currentTimeMillis()).put("userId", sender).put("Media", req.media())
        .put("Content", req.content());
    if (!req.url().isEmpty()) {
      frame.put("url", req.url());
    }
    if (req.clientMsgId() != null) {
      frame.put("clientMsgId", req.clientMsgId());
    }
    Inbound inbound = new Inbound(req.caller(), SESSION, new ChatMessage(req.type(), req.targetId(), req.media(),
        req.content(), req.url(), 0, req.clientMsgId(), MessagePayload.of(frame, sender)));
    String problem = inbound.problem();
    if (problem != null) {
      return Future.succeededFuture(sent(new Rejection(Rejection.TOO_LARGE, problem).toReply()));
    }
    return router.inbound(inbound).map(ServiceEndpoints::sent);
  }

  private static Sent sent(Outcome o) {
    return new Sent(o.ok(), o.conversation(), o.seq(), o.ok() ? StreamRecords.position(o.id()) : null, o.duplicate(),
        o.error(), o.message());
  }

  /** Page {@code page} of {@code pageSize}, newest first: the chat history's indexes. */
  Future<HistoryPage> history(HistoryQuery req) {
    long start = (long) req.page() * req.pageSize();
    return router.historyRange(req.caller().userId(), req.conversation(), start, start + req.pageSize() - 1, false,
        stream::page).map(HistoryPage::new);
  }

  Future<StreamPage> catchUp(CatchUp req) {
    return accounts.check(req.caller())
        .compose(v -> StreamRecords.id(req.after()))
        .compose(after -> stream.since(after, req.limit()));
  }

  Future<Online> presence(PresenceQuery req) {
    return accounts.check(req.caller())
        .compose(v -> bus.request(PresenceApi.ONLINE, new PresenceApi.OnlineQuery(req.userIds())))
        .map(online -> new Online(online.userIds()));
  }
}
