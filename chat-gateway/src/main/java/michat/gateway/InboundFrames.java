package michat.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import michat.contract.RouterApi;
import michat.contract.RouterApi.Inbound;
import michat.contract.RouterApi.Signal;
import michat.contract.ServiceBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client sends on its chat socket: heartbeats (to presence, batched), v2 resume frames and
 * signals, and chat messages (to the router, one at a time per connection, answered with an
 * acknowledgement in v2 or an error frame). Keys of ginchat frames are matched case-insensitively.
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
    Object ref = field(frame, "createtime");
    Object clientMsgId = s.v2 ? field(frame, "clientmsgid") : null;
    if (isHeartbeat(frame)) {
      presence.heartbeat(s.userId);
      return;
    }
    if (s.v2 && isSignal(frame)) {
      signal(s, frame, ref);
      return;
    }
    if (!s.rate.tryTake()) {
      s.send(Frames.error("rate_limited", "more than " + perSecond + " messages per second: not sent, try again",
          ref, clientMsgId));
      return;
    }
    message(s, frame, ref, clientMsgId);
  }

  /**
   * One frame at a time per connection: a sender's messages are stored in the order sent, and a
   * client that floods is slowed down by TCP rather than by growing memory here.
   */
  private void message(ChatSession s, JsonObject frame, Object ref, Object clientMsgId) {
    s.socket().pause();
    bus.request(RouterApi.INBOUND, new Inbound(s.caller, s.id, frame))
        .onSuccess(reply -> {
          if (!reply.ok()) {
            s.send(Frames.error(reply.error(), reply.message(), ref, clientMsgId));
          } else if (s.v2) {
            s.send(Frames.ack(clientMsgId, reply));
          }
        })
        .onFailure(err -> s.send(Frames.error("unavailable",
            "the message was not accepted, please send it again (" + err.getMessage() + ")", ref, clientMsgId)))
        .onComplete(done -> {
          if (!s.isClosed()) {
            s.socket().resume();
          }
        });
  }

  private void signal(ChatSession s, JsonObject frame, Object ref) {
    if ("delivered".equals(frame.getValue("Type"))
        && frame.getValue("conversation") instanceof String conversation && frame.getValue("seq") instanceof Number seq) {
      s.acknowledge(conversation, seq.longValue());   // what the client has: the cursor to save
    }
    if (s.rate.tryTake()) {
      bus.request(RouterApi.SIGNAL, new Signal(s.caller, frame))
          .onSuccess(reply -> {
            if (!reply.ok()) {
              s.send(Frames.error(reply.error(), reply.message(), ref, null));
            }
          })
          .onFailure(err -> LOG.debug("signal of user {} not relayed: {}", s.userId, err.getMessage()));
    }
  }

  /** v2 signals: typing, delivered, read — relayed, never stored. */
  private static boolean isSignal(JsonObject frame) {
    Object type = frame.getValue("Type");
    return "typing".equals(type) || "delivered".equals(type) || "read".equals(type);
  }

  private static boolean isHeartbeat(JsonObject frame) {
    Object type = field(frame, "type");
    return type instanceof Number n && n.intValue() == 3 && n.doubleValue() == 3;
  }

  private static Object field(JsonObject frame, String lowerName) {
    for (String key : frame.fieldNames()) {
      if (key.toLowerCase(Locale.ROOT).equals(lowerName)) {
        return frame.getValue(key);
      }
    }
    return null;
  }
}
