package michat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MessagePayloadTest {
  @Test
  void theClientsKeysStayAndEverySpellingOfTheSenderIsForced() {
    JsonObject frame = new JsonObject().put("TargetId", 2).put("userId", 99).put("UserID", 98).put("Content", "hi");
    JsonObject payload = new JsonObject(MessagePayload.of(frame, 7));
    assertEquals(new JsonObject().put("TargetId", 2).put("userId", 7).put("UserID", 7).put("Content", "hi"), payload);
    assertEquals(99, frame.getInteger("userId"), "the client's frame itself is not changed");
    assertEquals(98, frame.getInteger("UserID"));
    assertEquals(7, new JsonObject(MessagePayload.of(new JsonObject().put("Content", "x"), 7)).getInteger("userId"),
        "a frame without a sender gets one");
  }

  @Test
  void aPayloadIsFromItsSenderOnlyWhenItNamesNobodyElse() {
    assertTrue(MessagePayload.isFrom(MessagePayload.of(new JsonObject().put("Content", "x"), 7), 7));
    assertFalse(MessagePayload.isFrom("{\"userId\":7,\"UserId\":8}", 7), "a second spelling naming someone else");
    assertFalse(MessagePayload.isFrom("{\"userId\":8}", 7));
    assertFalse(MessagePayload.isFrom("{\"userId\":\"7\"}", 7), "a string is not the sender's id");
    assertFalse(MessagePayload.isFrom("{\"userId\":7.5}", 7));
    assertFalse(MessagePayload.isFrom("{\"Content\":\"x\"}", 7), "no sender at all");
    assertFalse(MessagePayload.isFrom("[7]", 7));
    assertFalse(MessagePayload.isFrom("{\"userId\":7", 7));
    assertFalse(MessagePayload.isFrom("{\"userId\":8,\"userId\":7}", 7), "a repeated key names someone else once");
    assertFalse(MessagePayload.isFrom("{\"userId\":7} {}", 7), "something after the object");
    assertFalse(MessagePayload.isFrom("{\"userId\":123456789012345678901234567890}", 7));
    assertFalse(MessagePayload.isFrom("{\"a\":{\"userId\":7}}", 7), "only the top level names the sender");
    assertTrue(MessagePayload.isFrom("{\"a\":{\"userId\":8},\"b\":[1,{\"x\":2}],\"userId\":7}", 7),
        "nested objects are skipped whatever they hold");
    assertTrue(MessagePayload.isFrom("{\"userId\":7.0}", 7), "7.0 is the number 7");
  }

  /** content and url are stored only in the payload (schema V7): read back as the gateway read the frame. */
  @Test
  void aTextFieldIsReadBackUnderAnySpellingTheFirstOneWinning() {
    String payload = MessagePayload.of(new JsonObject().put("content", "first").put("CONTENT", "second")
        .put("Url", "https://example.org/a.png").put("amount", 3), 7);
    assertEquals("first", MessagePayload.text(payload, "content"), "the first spelling, as ChatFrames takes it");
    assertEquals("https://example.org/a.png", MessagePayload.text(payload, "url"));
    assertEquals("", MessagePayload.text(payload, "media"), "absent");
    assertEquals("", MessagePayload.text(payload, "amount"), "not text");
  }
}
