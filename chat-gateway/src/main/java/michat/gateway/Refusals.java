package michat.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/** A refusal before a WebSocket upgrade, in the RESULT shape the ginchat clients read. */
final class Refusals {
  private Refusals() {}

  static void send(HttpServerRequest req, int status, String message) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("Code", -1).put("Msg", message).encode());
  }
}
