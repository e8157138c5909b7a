package michat.model;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;

/** How a service answers requests on the event bus: a JSON reply, or a failure from {@link Failures}. */
public final class ServiceConsumers {
  private ServiceConsumers() {}

  /**
   * Consumes {@code address} with {@code handler}; an exception thrown by the handler (e.g. a missing
   * field) is answered like a failed future, never left unanswered.
   */
  public static MessageConsumer<JsonObject> serve(Vertx vertx, String address,
                                                  Function<JsonObject, Future<JsonObject>> handler, Logger log) {
    return vertx.eventBus().<JsonObject>consumer(address, msg -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(msg.body() == null ? new JsonObject() : msg.body());
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e instanceof ClassCastException || e instanceof NullPointerException
            || e instanceof IllegalArgumentException
            ? Failures.of(Failures.BAD_REQUEST, "malformed request: " + e.getMessage()) : e);
      }
      reply.onSuccess(msg::reply).onFailure(err -> Failures.reply(msg, err, log));
    });
  }
}
