package michat.router;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import michat.contract.RouterApi.ChatMessage;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPosition;
import michat.model.Failures;
import michat.model.MessagePayload;
import michat.router.MessageRepository.NewMessage;
import michat.router.MessageRepository.Stored;

/**
 * The v1 record of a stored message, made the same way from a message just stored (the live stream)
 * and from its row (catch-up, history), so a consumer gets the same record either way. A stream
 * position is the message's id today; consumers treat it as opaque, so that it can become something
 * else within v1.
 */
final class StreamRecords {
  private static final DateTimeFormatter MILLIS_UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** The columns {@link #of(Row)} reads. */
  static final String COLUMNS = "pos, conversation, seq, sender_id, target_id, msg_type, media, payload, created_at";

  private StreamRecords() {}

  static StoredMessage of(NewMessage m, Stored s) {
    ChatMessage f = m.message();
    return new StoredMessage(position(s.id()), s.conversation(), s.seq(), m.senderId(), f.type(), f.targetId(),
        f.media(), f.content(), f.url(), f.payload(), MILLIS_UTC.format(Instant.ofEpochMilli(s.createdAt())));
  }

  /** From its row: content and url are stored once, in the payload, and read from it as the gateway read the frame. */
  static StoredMessage of(Row r) {
    String payload = r.getString("payload");
    return new StoredMessage(position(r.getLong("pos")), r.getString("conversation"), r.getLong("seq"),
        r.getLong("sender_id"), r.getInteger("msg_type"), r.getLong("target_id"), r.getInteger("media"),
        MessagePayload.text(payload, "content"), MessagePayload.text(payload, "url"), payload,
        MILLIS_UTC.format(r.getLocalDateTime("created_at").toInstant(ZoneOffset.UTC)));
  }

  static StreamPosition position(long id) {
    return new StreamPosition(Long.toString(id));
  }

  /** The pos a position stands for; 400 for one michat never handed out. */
  static Future<Long> id(StreamPosition position) {
    String value = position.value();
    if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
      return Failures.fail(Failures.BAD_REQUEST, "not a stream position of michat: '" + value + "'");
    }
    return Future.succeededFuture(Long.parseLong(value));
  }
}
