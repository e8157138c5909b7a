package michat.web.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import michat.ginchat.GinchatText;
import michat.model.Failures;

/**
 * Reads a route's inputs from query parameters, form fields (url-encoded or multipart) or a JSON
 * body, as ginchat clients send any of them. Malformed values fail with 400 and a message
 * naming the field.
 */
public final class Params {
  private static final String JSON_BODY = "michat.jsonBody";

  private Params() {}

  /** The value as sent, or "" when absent. */
  public static String text(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      JsonObject json = json(ctx);
      Object o = json == null ? null : json.getValue(name);
      v = o == null ? null : (o instanceof String s ? s : String.valueOf(o));
    }
    return v == null ? "" : v;
  }

  /** A positive id, or null when absent or empty. */
  public static Long id(RoutingContext ctx, String name) {
    String v = text(ctx, name).trim();
    if (v.isEmpty()) {
      return null;
    }
    try {
      long id = Long.parseLong(v);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw Failures.of(Failures.BAD_REQUEST, GinchatText.notAnId(name, abbreviate(v)));
  }

  /** A whole number (may be negative), or {@code absent} when missing or empty. */
  public static long integer(RoutingContext ctx, String name, long absent) {
    String v = text(ctx, name).trim();
    if (v.isEmpty()) {
      return absent;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw Failures.of(Failures.BAD_REQUEST, GinchatText.notANumber(name, abbreviate(v)));
    }
  }

  /** true or false (also 1 or 0), or {@code absent} when missing or empty. */
  public static boolean bool(RoutingContext ctx, String name, Boolean absent) {
    String v = text(ctx, name).trim().toLowerCase();
    switch (v) {
      case "true", "1":
        return true;
      case "false", "0":
        return false;
      case "":
        if (absent != null) {
          return absent;
        }
        throw Failures.of(Failures.BAD_REQUEST, GinchatText.missing(name));
      default:
        throw Failures.of(Failures.BAD_REQUEST, GinchatText.notABoolean(name, abbreviate(v)));
    }
  }

  /** A positive id that must be present. */
  public static long requiredId(RoutingContext ctx, String name) {
    Long id = id(ctx, name);
    if (id == null) {
      throw Failures.of(Failures.BAD_REQUEST, GinchatText.missing(name));
    }
    return id;
  }

  private static JsonObject json(RoutingContext ctx) {
    if (ctx.get(JSON_BODY) != null) {
      return ctx.get(JSON_BODY);
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json") || ctx.body() == null
        || ctx.body().length() == 0) {
      return null;
    }
    try {
      JsonObject json = ctx.body().asJsonObject();
      ctx.put(JSON_BODY, json);
      return json;
    } catch (DecodeException | ClassCastException e) {
      throw Failures.of(Failures.BAD_REQUEST, GinchatText.BODY_NOT_JSON);
    }
  }

  private static String abbreviate(String v) {
    return v.length() > 40 ? v.substring(0, 40) + "…" : v;
  }
}
