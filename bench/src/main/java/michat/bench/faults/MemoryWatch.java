package michat.bench.faults;

import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import michat.bench.ServerMetrics;

/**
 * Every node's memory while a fault lasts: heap used, RSS and the messages waiting for the store,
 * scraped from its management port twice a second; the most each reached, and what it was before.
 */
final class MemoryWatch implements AutoCloseable {
  private static final String[] METRICS = {"michat_heap_used_bytes", "michat_process_rss_bytes", "michat_store_waiting"};

  private final HttpClient http;
  private final List<Node> nodes;
  private final Map<String, double[]> before = new LinkedHashMap<>();
  private final Map<String, double[]> most = new LinkedHashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  MemoryWatch(HttpClient http, List<Node> nodes) {
    this.http = http;
    this.nodes = nodes;
    for (Node n : nodes) {
      double[] now = sample(n);
      before.put(n.name, now);
      most.put(n.name, now.clone());
    }
    sampler = new Thread(this::run, "memory-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void run() {
    while (running) {
      for (Node n : nodes) {
        double[] now = sample(n);
        double[] top = most.get(n.name);
        synchronized (top) {
          for (int i = 0; i < top.length; i++) {
            if (!Double.isNaN(now[i]) && (Double.isNaN(top[i]) || now[i] > top[i])) {
              top[i] = now[i];
            }
          }
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** NaN for what a node does not answer (a frozen or killed one, or a metric its roles lack). */
  private double[] sample(Node n) {
    double[] out = new double[METRICS.length];
    ServerMetrics m = ServerMetrics.scrape(http, "http://127.0.0.1:" + n.managementPort + "/metrics", 1_000);
    for (int i = 0; i < METRICS.length; i++) {
      out[i] = m.get(METRICS[i]);   // NaN when not answered
    }
    return out;
  }

  /** A Markdown table: per node, before and at most, heap and RSS in MB, waiting messages. */
  String table() {
    List<String> rows = new ArrayList<>();
    rows.add("| node | heap used before → most (MB) | RSS before → most (MB) | waiting for the store, most |");
    rows.add("|---|---|---|---|");
    for (Node n : nodes) {
      double[] b = before.get(n.name);
      double[] m = most.get(n.name);
      synchronized (m) {
        rows.add(String.format(Locale.ROOT, "| %s | %.0f → %.0f | %.0f → %.0f | %s |", n.name, b[0] / 1e6, m[0] / 1e6,
            b[1] / 1e6, m[1] / 1e6, Double.isNaN(m[2]) ? "–" : String.format(Locale.ROOT, "%.0f", m[2])));
      }
    }
    return String.join("\n", rows);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join();
  }
}
