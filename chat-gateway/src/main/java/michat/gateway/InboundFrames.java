package michat.gateway;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import michat.contract.Rejection;
import michat.contract.RouterApi;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Inbound;
import michat.contract.RouterApi.Signal;
import michat.contract.RouterApi.SignalKind;
import michat.contract.ServiceBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client sends on its chat socket: heartbeats (to presence, batched), v2 resume frames and
 * signals, and chat messages (to the router, one at a time per connection, answered with an
 * acknowledgement in v2 or an error frame). {@link ChatFrames} reads them into typed messages.
 */
final class InboundFrames {
  private static final Logger LOG = LoggerFactory.getLogger(InboundFrames.class);

  private final ServiceBus bus;
  private final PresenceLink presence;
  private final SessionStart start;
  private final int perSecond;

  InboundFrames(ServiceBus bus, PresenceLink presence, SessionStart start, int perSecond) {
    this.bus = bus;
    this.presence = presence;
    this.start = start;
    this.perSecond = perSecond;
  }

  void onText(ChatSession s, String text) {
    if (s.closeIfExpired()) {
      return;
    }
    s.touch();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      s.send(Frames.error("bad_json", "a chat frame must be a JSON object", null));
      return;
    }
    if (s.v2 && ResumeFrame.is(frame)) {
      start.onResumeFrame(s, frame);
      return;
    }
    SessionStart.resumeWith(s, Map.of());   // any other first frame: the saved cursors apply
    Object ref = ChatFrames.field(frame, "createtime");
    if (ChatFrames.isHeartbeat(frame)) {
      presence.heartbeat(s.userId);
      return;
    }
    SignalKind signal = s.v2 ? ChatFrames.signalKind(frame) : null;
    if (signal != null) {
      signal(s, signal, frame, ref);
      return;
    }
    Object clientMsgId = s.v2 ? ChatFrames.field(frame, "clientmsgid") : null;
    if (!s.rate.tryTake()) {
      s.send(Frames.error("rate_limited", "more than " + perSecond + " messages per second: not sent, try again",
          ref, clientMsgId));
      return;
    }
    ChatMessage message;
    try {
      message = ChatFrames.message(frame, s.userId);
    } catch (Rejection r) {
      s.send(Frames.error(r.code(), r.getMessage(), ref, clientMsgId));
      return;
    }
    message(s, message, ref, clientMsgId);
  }

  /**
   * One frame at a time per connection: a sender's messages are stored in the order sent, and a
   * client that floods is slowed down by TCP rather than by growing memory here.
   */
  private void message(ChatSession s, ChatMessage message, Object ref, Object clientMsgId) {
    s.socket().pause();
    bus.request(RouterApi.INBOUND, new Inbound(s.caller, s.id, message))
        .onSuccess(reply -> {
          if (!reply.ok()) {
            s.send(Frames.error(reply.error(), reply.message(), ref, clientMsgId));
          } else if (s.v2) {
            s.send(Frames.ack(clientMsgId, reply));
          }
        })
        .onFailure(err -> s.send(unconfirmed(err, ref, clientMsgId)))
        .onComplete(done -> {
          if (!s.isClosed()) {
            s.socket().resume();
          }
        });
  }

  /**
   * No outcome from a router. Without an answer in time the message may still be stored (its write may
   * be under way): the sender hears {@code unknown}, never a refusal that could turn out false. Any
   * other failure happened before a router took the message.
   */
  private static String unconfirmed(Throwable err, Object ref, Object clientMsgId) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      return Frames.error(Rejection.UNKNOWN, "not confirmed in time: it may still be delivered; send it again with the"
          + " same clientMsgId (v2) or check the conversation before sending it again", ref, clientMsgId);
    }
    return Frames.error(Rejection.UNAVAILABLE, "the message was not accepted, please send it again ("
        + err.getMessage() + ")", ref, clientMsgId);
  }

  private void signal(ChatSession s, SignalKind kind, JsonObject frame, Object ref) {
    Signal signal;
    try {
      signal = ChatFrames.signal(kind, frame, s.caller);
    } catch (Rejection r) {
      s.send(Frames.error(r.code(), r.getMessage(), ref, null));
      return;
    }
    if (kind == SignalKind.delivered) {
      s.acknowledge(signal.conversation(), signal.seq());   // what the client has: the cursor to save
    }
    if (s.rate.tryTake()) {
      bus.request(RouterApi.SIGNAL, signal)
          .onSuccess(reply -> {
            if (!reply.ok()) {
              s.send(Frames.error(reply.error(), reply.message(), ref, null));
            }
          })
          .onFailure(err -> LOG.debug("signal of user {} not relayed: {}", s.userId, err.getMessage()));
    }
  }
}
