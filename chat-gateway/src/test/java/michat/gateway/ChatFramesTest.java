package michat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import michat.contract.Caller;
import michat.contract.Rejection;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.RouterApi.Signal;
import michat.contract.RouterApi.SignalKind;
import org.junit.jupiter.api.Test;

/** The v1/v2 frame reader: the ginchat dialect in, michat's typed messages out. */
class ChatFramesTest {
  private static final Caller ME = new Caller(7, "token");

  @Test
  void keysInAnySpellingAreReadAndThePayloadKeepsThem() {
    JsonObject raw = new JsonObject().put("targetid", "2").put("TYPE", 1).put("media", 3.0)
        .put("Content", "hi").put("URL", "./asset/upload/a.mp3").put("Amount", 5).put("clientMsgId", "c-1")
        .put("UserId", 99).put("CreateTime", 1700000000000L);
    ChatMessage m = ChatFrames.message(raw, 7);
    assertEquals(new ChatMessage(1, 2, 3, "hi", "./asset/upload/a.mp3", 5, "c-1", m.payload()), m);
    JsonObject payload = new JsonObject(m.payload());
    assertEquals(7, payload.getInteger("UserId"), "the sender is forced, in the client's own spelling");
    assertEquals(1700000000000L, payload.getLong("CreateTime"), "recipients get what the sender sent");
    assertNull(m.problem());
  }

  @Test
  void eachMalformedFrameIsRefusedWithItsCode() {
    assertEquals(Rejection.UNKNOWN_TYPE, code(new JsonObject().put("Type", 4).put("TargetId", 2).put("Media", 1)));
    assertEquals(Rejection.MISSING_TARGET, code(new JsonObject().put("Type", 1).put("Media", 1)));
    assertEquals(Rejection.MISSING_TARGET, code(new JsonObject().put("Type", 1).put("TargetId", 0).put("Media", 1)));
    assertEquals(Rejection.UNKNOWN_MEDIA, code(new JsonObject().put("Type", 1).put("TargetId", 2).put("Media", 5)));
    assertEquals(Rejection.BAD_FIELD, code(new JsonObject().put("Type", 1).put("TargetId", 2.5).put("Media", 1)));
    assertEquals(Rejection.BAD_FIELD, code(new JsonObject().put("Type", 1).put("TargetId", 2).put("Media", 1)
        .put("Content", 12)));
    assertEquals(Rejection.BAD_FIELD, code(new JsonObject().put("Type", 1).put("TargetId", 2).put("Media", 1)
        .put("amount", -1)));
    assertEquals(Rejection.TOO_LARGE, code(new JsonObject().put("Type", 1).put("TargetId", 2).put("Media", 1)
        .put("clientMsgId", "x".repeat(65))));
    assertEquals(Rejection.TOO_LARGE, code(new JsonObject().put("Type", 1).put("TargetId", 2).put("Media", 1)
        .put("Content", "x".repeat(ChatMessage.MAX_PAYLOAD_CHARS))));
  }

  @Test
  void signalsNameTheirConversation() {
    Signal typing = ChatFrames.signal(SignalKind.typing, new JsonObject().put("Type", "typing").put("TargetId", 2), ME);
    assertEquals(new Signal(ME, SignalKind.typing, "p:2:7", 0), typing);
    Signal inGroup = ChatFrames.signal(SignalKind.typing,
        new JsonObject().put("Type", "typing").put("TargetId", 9).put("targetType", 2), ME);
    assertEquals("g:9", inGroup.conversation());
    Signal read = ChatFrames.signal(SignalKind.read,
        new JsonObject().put("Type", "read").put("conversation", "p:2:7").put("seq", 17), ME);
    assertEquals(new Signal(ME, SignalKind.read, "p:2:7", 17), read);
    assertEquals(SignalKind.delivered, ChatFrames.signalKind(new JsonObject().put("Type", "delivered")));
    assertNull(ChatFrames.signalKind(new JsonObject().put("Type", 1)));

    for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("Type", "read").put("conversation", "x:1").put("seq", 1),
        new JsonObject().put("Type", "read").put("conversation", "p:2:7"),
        new JsonObject().put("Type", "read").put("conversation", "p:2:7").put("seq", -1),
        new JsonObject().put("Type", "typing").put("TargetId", "2"),
        new JsonObject().put("Type", "typing").put("TargetId", 2).put("targetType", 3)}) {
      SignalKind kind = ChatFrames.signalKind(bad);
      Rejection r = assertThrows(Rejection.class, () -> ChatFrames.signal(kind, bad, ME), bad.encode());
      assertEquals(Rejection.BAD_FIELD, r.code());
    }
  }

  @Test
  void heartbeatsAreTypeThreeInAnySpelling() {
    assertTrue(ChatFrames.isHeartbeat(new JsonObject().put("type", 3)));
    assertTrue(ChatFrames.isHeartbeat(new JsonObject().put("Type", 3.0)));
    assertEquals(false, ChatFrames.isHeartbeat(new JsonObject().put("Type", 3.5)));
  }

  private static String code(JsonObject raw) {
    return assertThrows(Rejection.class, () -> ChatFrames.message(raw, 7), raw.encode()).code();
  }
}
