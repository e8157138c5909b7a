package michat.contract;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import michat.contract.PresenceApi.ChannelPost;
import michat.contract.PresenceApi.Connect;
import michat.contract.PresenceApi.Heartbeat;
import michat.contract.PresenceApi.Locations;
import michat.contract.PresenceApi.Online;
import michat.contract.RouterApi.Deliveries;
import michat.contract.RouterApi.Delivery;
import michat.contract.RouterApi.SignalDelivery;
import org.junit.jupiter.api.Test;

/**
 * Presence requests and gateway deliveries between JVMs: what one encodes, the other decodes as the
 * same record — ids stay longs inside lists and maps, absent parts stay absent.
 */
class PresenceAndDeliveryWireTest {
  /** Beyond int: an id that came back as an Integer, or truncated, would not be equal. */
  private static final long BIG = 5_000_000_001L;

  private static <T> Buffer encode(Class<T> type, T body) {
    Buffer wire = Buffer.buffer().appendString("offset");
    new ContractCodec<>(type).encodeToWire(wire, body);
    return wire;
  }

  private static <T> T roundTrip(Class<T> type, T body) {
    return new ContractCodec<>(type).decodeFromWire("offset".length(), encode(type, body));
  }

  private static JsonObject json(Buffer wire) {
    return new JsonObject(wire.getBuffer("offset".length() + 4, wire.length()));
  }

  @Test
  void presenceRequestsAndRepliesSurviveTheWire() {
    Connect connect = new Connect(BIG, "node-a", "session-1");
    assertEquals(connect, roundTrip(Connect.class, connect));
    assertEquals(Arrays.stream(Connect.class.getRecordComponents()).map(RecordComponent::getName).collect(toSet()),
        json(encode(Connect.class, connect)).fieldNames(), "the record's components are the field names");

    Heartbeat heartbeat = new Heartbeat(new ArrayList<>(List.of(1L, BIG)), "node-a");
    assertEquals(heartbeat, roundTrip(Heartbeat.class, heartbeat));

    Locations located = new Locations(Map.of("node-a", List.of(1L, BIG), "node-b", List.of(BIG)));
    assertEquals(located, roundTrip(Locations.class, located));

    Online online = new Online(List.of(2L, BIG));
    assertEquals(online, roundTrip(Online.class, online));

    ChannelPost post = new ChannelPost("héllo \"world\"");
    assertEquals(post, roundTrip(ChannelPost.class, post));
  }

  @Test
  void deliveriesSurviveTheWireWithTheirFramesAsText() {
    String frame = "{\"TargetId\":2,\"Content\":\"hi\",\"Type\":1}";
    Deliveries batch = Deliveries.of(List.of(
        new Delivery(List.of(2L, BIG), "g:7", 42, 41, frame, null, 1_700_000_000_000L),
        new Delivery(List.of(1L), "p:1:2", 43, 42, frame, "session-1", 0)));
    Deliveries decoded = roundTrip(Deliveries.class, batch);
    assertEquals(batch, decoded);
    assertNull(decoded.signal());
    assertEquals(frame, decoded.messages().get(0).frame(), "the frame travels as the stored text, not re-encoded");

    Deliveries signal = Deliveries.of(new SignalDelivery(List.of(BIG), RouterApi.SignalKind.read, 3, "g:7", 42));
    assertEquals(signal, roundTrip(Deliveries.class, signal));
  }

  @Test
  void aRequestWithoutARequiredFieldIsNamedBeforeAnyHandlerRuns() {
    ContractCodec<Connect> codec = new ContractCodec<>(Connect.class);
    byte[] noSession = "{\"userId\":1,\"nodeId\":\"node-a\"}".getBytes();
    assertEquals("sessionId is required",
        codec.decodeFromWire(0, Buffer.buffer().appendInt(noSession.length).appendBytes(noSession)).problem());

    for (String bad : List.of("{\"userId\":\"x\",\"nodeId\":\"node-a\",\"sessionId\":\"s\"}",
        "{\"nodeId\":\"node-a\",\"sessionId\":\"s\"}")) {   // an id that is not one, or none at all
      byte[] json = bad.getBytes();
      Buffer wire = Buffer.buffer().appendInt(json.length).appendBytes(json);
      assertThrows(ContractCodec.MalformedBody.class, () -> codec.decodeFromWire(0, wire), bad);
    }
  }
}
