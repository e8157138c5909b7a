package michat.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.jackson.VertxModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The event-bus codec of one contract record. Within a JVM the record itself is handed over (records
 * are immutable, so nothing is copied — cheaper than a JsonObject, which the bus copies); between JVMs
 * it travels as JSON named by the record's components, so the record is the one place its field names
 * exist. Unknown fields are ignored, so a newer member may add one; a body that does not decode fails
 * when the receiver reads it, and {@link ServiceBus#serve} answers that with 400.
 */
final class ContractCodec<T> implements MessageCodec<T, T> {
  static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new VertxModule())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  private final Class<T> type;

  ContractCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T body) {
    try {
      byte[] json = JSON.writeValueAsBytes(body);
      buffer.appendInt(json.length).appendBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    try {
      return JSON.readValue(buffer.getBytes(pos + 4, pos + 4 + length), type);
    } catch (IOException e) {
      throw new MalformedBody(type, e);
    }
  }

  @Override
  public T transform(T body) {
    return body;
  }

  @Override
  public String name() {
    return "michat:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  /** A body from another JVM that is not the record it claims to be. */
  static final class MalformedBody extends RuntimeException {
    MalformedBody(Class<?> type, IOException cause) {
      super("not a " + type.getSimpleName() + ": "
          + (cause instanceof JsonProcessingException j ? j.getOriginalMessage() : cause.getMessage()), null, false, false);
    }
  }
}
