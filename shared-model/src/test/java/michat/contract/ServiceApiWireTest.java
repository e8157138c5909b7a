package michat.contract;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import michat.contract.v1.ServiceApi.MessagesStored;
import michat.contract.v1.ServiceApi.Sent;
import michat.contract.v1.ServiceApi.ServiceSession;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPosition;
import org.junit.jupiter.api.Test;

/**
 * michat.v1 between JVMs: its records travel as JSON of their components only, and the rule of
 * docs/event-bus.md holds — a field a newer member added is ignored; one an older member did not send
 * reads as null, which is why fields are added with types that can be null: a missing primitive
 * number or boolean is refused as malformed.
 */
class ServiceApiWireTest {
  private static final StoredMessage STORED = new StoredMessage(new StreamPosition("5000000001"), "g:7", 12,
      5_000_000_002L, 2, 7, 1, "/time", "", "{\"userId\":5000000002,\"Content\":\"/time\"}", "2026-11-29T20:00:00.123Z");

  private static <T> T decode(Class<T> type, JsonObject json) {
    Buffer wire = Buffer.buffer().appendInt(json.toBuffer().length()).appendBuffer(json.toBuffer());
    return new ContractCodec<>(type).decodeFromWire(0, wire);
  }

  private static <T> JsonObject encode(Class<T> type, T body) {
    Buffer wire = Buffer.buffer();
    new ContractCodec<>(type).encodeToWire(wire, body);
    return new JsonObject(wire.getBuffer(4, wire.length()));
  }

  private static java.util.Set<String> components(Class<?> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).collect(toSet());
  }

  @Test
  void theStreamSurvivesTheWireAsItsComponents() {
    MessagesStored batch = new MessagesStored(List.of(STORED));
    assertEquals(batch, decode(MessagesStored.class, encode(MessagesStored.class, batch)));
    assertEquals(components(StoredMessage.class),
        encode(StoredMessage.class, STORED).fieldNames(), "the record's components are the field names");
    ServiceSession session = new ServiceSession(3, "notifier", "t0ken");
    assertEquals(components(ServiceSession.class), encode(ServiceSession.class, session).fieldNames(),
        "caller() is a helper, not a field");
  }

  @Test
  void aFieldAddedWithinV1IsIgnoredAndOneNotSentReadsAsNull() {
    JsonObject newer = encode(StoredMessage.class, STORED).put("language", "en");
    assertEquals(STORED, decode(StoredMessage.class, newer));
    JsonObject older = encode(Sent.class, new Sent(true, "p:1:2", 4, new StreamPosition("9"), false, null, null));
    older.remove("position");
    Sent read = decode(Sent.class, older);
    assertNull(read.position());
    assertEquals(4, read.seq());
    older.remove("duplicate");
    assertThrows(ContractCodec.MalformedBody.class, () -> decode(Sent.class, older),
        "a missing primitive is not taken for false: a field added later must be of a type that can be null");
  }
}
