package michat.web.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes the ginchat protocol's response shapes ({@link Shape}). Errors on a ginchat route are
 * answered as the original server did, HTTP 200 with code -1 and a sentence, because the original
 * front end drops every other status without a word to the user; the status michat means travels in
 * {@value #STATUS_HEADER}, for michat's own client, scripts and logs.
 */
public final class Replies {
  /** The status of an answer as michat means it (401, 409, 429…), on every JSON answer. */
  public static final String STATUS_HEADER = "X-Michat-Status";

  private Replies() {}

  public static void account(RoutingContext ctx, String message, Object data) {
    send(ctx, 200, new JsonObject().put("code", 0).put("message", message).put("data", data));
  }

  public static void result(RoutingContext ctx, String msg, Object data) {
    send(ctx, 200, resultBody(0, msg, data, null, null));
  }

  public static void resultList(RoutingContext ctx, Object rows, Object total) {
    send(ctx, 200, resultBody(0, "", null, rows, total));
  }

  /**
   * An error in the shape of the route that failed: on a ginchat route ({@code route}) with HTTP 200,
   * elsewhere (a missing page or file) with {@code status} itself.
   */
  public static void error(RoutingContext ctx, Shape shape, boolean route, int status, String message) {
    JsonObject body = shape == Shape.ACCOUNT
        ? new JsonObject().put("code", -1).put("message", message).put("data", null)
        : resultBody(-1, message, null, null, null);
    ctx.response().putHeader(STATUS_HEADER, Integer.toString(status));
    send(ctx, route ? 200 : status, body);
  }

  private static JsonObject resultBody(int code, String msg, Object data, Object rows, Object total) {
    // The original's Go struct has no omitempty: all five keys are always there.
    return new JsonObject().put("Code", code).put("Msg", msg).put("Data", data).put("Rows", rows).put("Total", total);
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    if (!ctx.response().headers().contains(STATUS_HEADER)) {
      ctx.response().putHeader(STATUS_HEADER, Integer.toString(status));
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
