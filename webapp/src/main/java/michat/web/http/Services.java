package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import michat.contract.Endpoint;
import michat.contract.ServiceBus;
import michat.model.Addresses;

/** Requests to the other services over the event bus. */
public final class Services {
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(Addresses.REQUEST_TIMEOUT_MS);

  private final Vertx vertx;
  private final ServiceBus bus;

  public Services(Vertx vertx) {
    this.vertx = vertx;
    this.bus = ServiceBus.of(vertx);
  }

  public <Q, R> Future<R> request(Endpoint<Q, R> endpoint, Q body) {
    return bus.request(endpoint, body);
  }

  public Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, OPTIONS).map(Message::body);
  }

  public Future<JsonObject> request(String address, JsonObject body, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(Message::body);
  }
}
