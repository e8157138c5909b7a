package michat.router;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import michat.contract.ServiceBus;
import michat.contract.v1.ServiceApi;
import michat.contract.v1.ServiceApi.MessagesStored;
import michat.contract.v1.ServiceApi.StoredMessage;

/**
 * The live stream of stored messages for other services ({@link ServiceApi#MESSAGES_STORED}): a
 * message is added once its transaction committed (or, after a commit without an answer, once the
 * database turned out to have stored it), never for a re-send already stored. Everything added in
 * one turn of the event loop — a committed batch completes all its messages in one turn — goes out
 * as one publish, in order. Used from the router verticle's event loop only.
 */
final class StoredStream {
  private final Vertx vertx;
  private final ServiceBus bus;
  private List<StoredMessage> pending = new ArrayList<>();

  StoredStream(Vertx vertx, ServiceBus bus) {
    this.vertx = vertx;
    this.bus = bus;
  }

  void add(StoredMessage message) {
    pending.add(message);
    if (pending.size() == 1) {
      vertx.runOnContext(v -> flush());
    }
  }

  private void flush() {
    List<StoredMessage> batch = pending;
    pending = new ArrayList<>();
    bus.publish(ServiceApi.MESSAGES_STORED, new MessagesStored(batch));
  }
}
