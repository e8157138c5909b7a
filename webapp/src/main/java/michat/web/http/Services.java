package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import michat.contract.Endpoint;
import michat.contract.ServiceBus;

/** The web role's requests to the services: typed, over the event bus. */
public final class Services {
  private final ServiceBus bus;

  public Services(Vertx vertx) {
    this.bus = ServiceBus.of(vertx);
  }

  public <Q, R> Future<R> request(Endpoint<Q, R> endpoint, Q body) {
    return bus.request(endpoint, body);
  }

  /** With a timeout of the caller's own (e.g. /ready answers within its budget). */
  public <Q, R> Future<R> request(Endpoint<Q, R> endpoint, Q body, long timeoutMs) {
    return bus.request(endpoint.withTimeout(timeoutMs), body);
  }
}
