package michat.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One scrape of the server's {@code GET /metrics} (Prometheus text), summed per metric name. */
public final class ServerMetrics {
  private final Map<String, Double> byName;

  private ServerMetrics(Map<String, Double> byName) {
    this.byName = byName;
  }

  static ServerMetrics scrape(HttpClient http, BenchOptions o) {
    return scrape(http, o.url + "/metrics", 30_000);
  }

  /** Empty (nothing {@link #available}) when the server does not answer within {@code timeoutMs}. */
  public static ServerMetrics scrape(HttpClient http, String metricsUrl, long timeoutMs) {
    Future<ServerMetrics> f = http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(metricsUrl)
            .setTimeout(timeoutMs))
        .compose(req -> req.send())
        .compose(HttpClientResponse::body)
        .map(body -> parse(body.toString()));
    try {
      return f.await(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return new ServerMetrics(Map.of());
    }
  }

  /** Sums the samples of every metric name (all label sets). */
  public static ServerMetrics parse(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, line.indexOf(' '));
      try {
        double v = Double.parseDouble(line.substring(space + 1).trim());
        out.merge(name, v, Double::sum);
      } catch (NumberFormatException ignored) {
        // not a sample line
      }
    }
    return new ServerMetrics(out);
  }

  boolean available() {
    return !byName.isEmpty();
  }

  /** NaN when the server does not expose it. */
  public double get(String name) {
    return byName.getOrDefault(name, Double.NaN);
  }

  /** Asks a local JVM for a full GC so that the next scrape's heap is the live set. */
  static void gc(BenchOptions o) {
    if (o.serverPid == null) {
      return;
    }
    try {
      Process p = new ProcessBuilder("jcmd", o.serverPid, "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor(60, TimeUnit.SECONDS);
      Thread.sleep(500);
    } catch (Exception e) {
      System.err.println("[bench] jcmd " + o.serverPid + " GC.run failed: " + e.getMessage());
    }
  }
}
