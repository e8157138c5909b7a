package michat.contract;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import michat.model.Failures;
import org.slf4j.Logger;

/**
 * michat's typed view of the event bus: requests, replies and one-way messages are the records of
 * {@link Contracts}, checked by the compiler on both ends. Serving a request also enforces what every
 * service must: a well-formed body ({@link Validated}) and, for a request acting for a user, a valid
 * session of that user ({@link ActsForUser}) — before the handler runs.
 */
public final class ServiceBus {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final CallerVerifier callers;
  private final Map<Long, DeliveryOptions> options = new ConcurrentHashMap<>();

  private ServiceBus(Vertx vertx, CallerVerifier callers) {
    this.vertx = vertx;
    this.callers = callers;
    Contracts.register(vertx);
  }

  /** A bus for calling services and for serving requests that act for no user. */
  public static ServiceBus of(Vertx vertx) {
    return new ServiceBus(vertx, CallerVerifier.NONE);
  }

  /** A bus for a service that serves requests acting for users, whose callers {@code callers} verifies. */
  public static ServiceBus serving(Vertx vertx, CallerVerifier callers) {
    return new ServiceBus(vertx, callers);
  }

  public <Q, R> Future<R> request(Endpoint<Q, R> endpoint, Q body) {
    return vertx.eventBus().<R>request(endpoint.address(), body, deliveryOptions(endpoint.timeoutMs()))
        .map(Message::body);
  }

  /** Publishes to every consumer of the topic, on every node. */
  public <T> void publish(Topic<T> topic, T body) {
    vertx.eventBus().publish(topic.address(), body);
  }

  /** Publishes to every consumer of a per-node topic on {@code node}. */
  public <T> void publish(Topic<T> topic, String node, T body) {
    vertx.eventBus().publish(topic.at(node), body);
  }

  /** Publishes to the topic's consumers in this JVM only (a feed that every node takes on its own). */
  public <T> void publishLocally(Topic<T> topic, T body) {
    vertx.eventBus().publish(topic.address(), body, LOCAL);
  }

  public <T> MessageConsumer<T> subscribe(Topic<T> topic, Handler<T> handler) {
    return subscribe(topic.address(), topic, handler);
  }

  public <T> MessageConsumer<T> subscribe(Topic<T> topic, String node, Handler<T> handler) {
    return subscribe(topic.at(node), topic, handler);
  }

  /**
   * A message that is not the topic's record, or names a {@link Validated#problem} (a careless or
   * hostile peer), is dropped before the handler sees it.
   */
  private <T> MessageConsumer<T> subscribe(String address, Topic<T> topic, Handler<T> handler) {
    return vertx.eventBus().<T>consumer(address, msg -> {
      Object body = decoded(msg);
      if (topic.type().isInstance(body) && !(body instanceof Validated v && v.problem() != null)) {
        handler.handle(topic.type().cast(body));
      }
    });
  }

  /**
   * Answers {@code endpoint} with {@code handler}. A body that is not the endpoint's request record,
   * names a {@link Validated#problem}, or acts for a user without a valid session of theirs is refused
   * (400, 401) and the handler never sees it. A failure the handler reports with {@link Failures}
   * passes on; anything else it throws or fails with is answered as an internal error and logged once,
   * never left unanswered.
   */
  public <Q, R> MessageConsumer<Q> serve(Endpoint<Q, R> endpoint, Function<Q, Future<R>> handler, Logger log) {
    return vertx.eventBus().<Q>consumer(endpoint.address(), msg -> admitted(endpoint, decoded(msg))
        .compose(handler)
        .onSuccess(msg::reply)
        .onFailure(err -> Failures.reply(msg, err, log)));
  }

  private <Q> Future<Q> admitted(Endpoint<Q, ?> endpoint, Object body) {
    if (!endpoint.request().isInstance(body)) {
      return Failures.fail(Failures.BAD_REQUEST, body instanceof ContractCodec.MalformedBody m ? m.getMessage()
          : "expected a " + endpoint.request().getSimpleName() + " on " + endpoint.address());
    }
    Q request = endpoint.request().cast(body);
    String problem = request instanceof Validated v ? v.problem() : null;
    if (problem != null) {
      return Failures.fail(Failures.BAD_REQUEST, problem);
    }
    if (request instanceof ActsForUser a) {
      return a.caller() == null ? Failures.fail(Failures.UNAUTHORIZED, "caller is required")
          : callers.verify(a.caller()).map(request);
    }
    return Future.succeededFuture(request);
  }

  /** The body, or the decoding failure of one from another JVM (read lazily by Vert.x). */
  private static Object decoded(Message<?> msg) {
    try {
      return msg.body();
    } catch (ContractCodec.MalformedBody e) {
      return e;
    }
  }

  private DeliveryOptions deliveryOptions(long timeoutMs) {
    return options.computeIfAbsent(timeoutMs, t -> new DeliveryOptions().setSendTimeout(t));
  }
}
