package michat.bench.faults;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code faults} scenario: the fault matrix of docs/reliability.md. Starts the cluster, runs the
 * load through each fault in turn (and, with {@code --memory-seconds}, a database freeze at a high
 * offered rate with every node's memory sampled), prints the tables, and says which check failed.
 */
public final class FaultMatrix {
  /** What a run found. */
  public record Outcome(List<FaultResult> results, String memoryTable) {
    public List<String> problems() {
      return results.stream().flatMap(r -> r.problems().stream()).toList();
    }
  }

  private FaultMatrix() {
  }

  /** The command line: exit code 0 when every check held, 1 when one failed, 2 when it could not run. */
  public static int main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.println(FaultOptions.USAGE);
      return 0;
    }
    FaultOptions o;
    try {
      o = FaultOptions.parse(args);
    } catch (RuntimeException e) {
      System.err.println("faults: " + e.getMessage() + "\n" + FaultOptions.USAGE);
      return 2;
    }
    try {
      Outcome out = run(o);
      System.out.println(FaultResult.table(out.results()));
      if (out.memoryTable() != null) {
        System.out.println(out.memoryTable());
      }
      out.problems().forEach(p -> System.err.println("[faults] FAILED " + p));
      return out.problems().isEmpty() ? 0 : 1;
    } catch (Exception e) {
      System.err.println("faults: " + e);
      e.printStackTrace();
      return 2;
    }
  }

  static Outcome run(FaultOptions o) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FaultCluster cluster = FaultCluster.start(o)) {
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
      Api api = new Api(http, cluster.core.httpPort);
      List<FaultResult> results = new ArrayList<>();
      String memory = null;
      try (FaultLoad load = new FaultLoad(vertx, api, cluster.gw1.httpPort, cluster.gw2.httpPort)) {
        if (o.warmupSeconds > 0) {
          System.err.printf("[faults] warm-up: %d s at %d msg/s, not counted%n", o.warmupSeconds, o.rate);
          load.warmUp(o.warmupSeconds, o.rate);
        }
        for (Fault fault : cluster.faults(o.faults)) {
          int seconds = fault.seconds(o.seconds);
          System.err.printf("[faults] %s: %d s at %d msg/s%n", fault.name(), seconds, o.rate);
          FaultResult r = load.through(fault, o, seconds, o.rate);
          results.add(r);
          System.err.print(FaultResult.table(List.of(r)));
        }
        if (o.memorySeconds > 0) {
          Fault frozen = cluster.faults(List.of("db-freeze")).get(0);
          Fault freeze = new Fault(frozen.key(), String.format("%s, %d s at %,d msg/s (memory)", frozen.name(),
              o.memorySeconds, o.memoryRate), frozen.inject(), frozen.recover(), false);
          System.err.printf("[faults] memory: %s, %d s at %d msg/s%n", freeze.name(), o.memorySeconds, o.memoryRate);
          try (MemoryWatch watch = new MemoryWatch(http, cluster.nodes())) {
            FaultResult r = load.through(freeze, o, o.memorySeconds, o.memoryRate);
            results.add(r);
            memory = String.format("%nMemory through \"%s\" for %d s at %,d msg/s offered:%n%n%s%n", freeze.name(),
                o.memorySeconds, o.memoryRate, watch.table());
          }
        }
      }
      return new Outcome(results, memory);
    } finally {
      vertx.close().await();
    }
  }
}
