package michat.bench;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The figures of one run: a human table and one JSON line. */
final class Report {
  final Map<String, Object> figures = new LinkedHashMap<>();

  Report put(String key, Object value) {
    if (value instanceof Double d) {
      value = Double.isNaN(d) || Double.isInfinite(d) ? null : Math.round(d * 100) / 100.0;
    }
    figures.put(key, value);
    return this;
  }

  long number(String key) {
    Object v = figures.get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  double decimal(String key) {
    Object v = figures.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /**
   * Zero lost, duplicated, rejected and (protocol 2) unacknowledged messages, and every session
   * connected and kept.
   */
  boolean ok() {
    return number("lost") == 0 && number("duplicated") == 0 && number("rejected") == 0
        && number("connect_failures") == 0 && number("closed_by_server") == 0
        && (!figures.containsKey("unacknowledged") || number("unacknowledged") == 0);
  }

  /** One line: rate, latency, and what went wrong. */
  String summary() {
    return String.format(Locale.ROOT, "delivered %.0f/s, p50 %.1f ms, p99 %.1f ms, lost %d, duplicated %d, unacknowledged %d%s",
        decimal("delivered_per_s"), decimal("latency_p50_ms"), decimal("latency_p99_ms"), number("lost"),
        number("duplicated"), number("unacknowledged"), ok() ? "" : " - FAILED");
  }

  String table() {
    StringBuilder sb = new StringBuilder();
    int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
    String line = "-".repeat(width + 24) + "\n";
    sb.append(line);
    figures.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", k, v)));
    sb.append(line).append(ok() ? "OK: nothing lost, nothing duplicated\n" : "FAILED: see lost/duplicated/rejected/failures above\n");
    return sb.toString();
  }

  String json() {
    return new JsonObject(new LinkedHashMap<>(figures)).put("ok", ok()).encode();
  }
}
