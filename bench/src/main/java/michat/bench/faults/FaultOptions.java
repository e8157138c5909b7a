package michat.bench.faults;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/** Options of the {@code faults} scenario; the defaults are the full size of docs/reliability.md. */
final class FaultOptions {
  static final List<String> ALL = List.of("db-kill", "db-freeze", "db-slow", "redis-kill", "redis-freeze", "bus-cut",
      "gateway-kill", "router-kill", "gateway-stop");

  Path jar = Paths.get("webapp/target/mi-chat.jar");
  Path workDir;
  /** How long each fault lasts, and the load before and after it. */
  int seconds = 20;
  int beforeSeconds = 2;
  int afterSeconds = 4;
  /** The load alone first, uncounted (the JVMs' JIT compilation). */
  int warmupSeconds = 40;
  /** Messages per second offered in total, private and group. */
  int rate = 400;
  List<String> faults = ALL;
  /** The memory run: MariaDB frozen this long at this rate (0 = not run). */
  int memorySeconds = 30;
  int memoryRate = 5000;
  int clusterPort = 5931;
  /** michat's cluster.manager: hazelcast (its default) or infinispan. */
  String clusterManager = "hazelcast";

  static final String USAGE = String.join("\n",
      "usage: java -jar bench/target/michat-bench.jar faults [options]",
      "  starts a MariaDB and a Redis of its own, a michat cluster of five JVMs from the jar (core: web,user,presence;",
      "  gw1, gw2: gateway; r1, r2: router), chats over protocol 2 through both gateways and fails one thing at a time",
      "options:",
      "  --jar PATH          michat's fat jar (default webapp/target/mi-chat.jar)",
      "  --work-dir DIR      logs of every JVM (default a new temporary directory)",
      "  --seconds S         each fault's length (default 20); --before S (2), --after S (4): load around it",
      "  --rate R            messages per second offered, private and group (default 400)",
      "  --warmup S          the load alone first, not counted (default 40): cold JVMs lag for half a minute",
      "  --faults a,b        which (default all): " + String.join(",", ALL),
      "  --memory-seconds S  then MariaDB frozen S s (default 30; 0 = skip) at --memory-rate R msg/s (default 5000),",
      "                      every node's heap, RSS and waiting messages sampled",
      "  --cluster-port P    first cluster-manager port (default 5931)",
      "  --cluster-manager M hazelcast (default) or infinispan",
      "Exit code: 0 every check held, 1 a check failed, 2 usage or set-up error.");

  static FaultOptions parse(String[] args) {
    FaultOptions o = new FaultOptions();
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("unexpected argument " + name);
      }
      String value = args[++i];
      switch (name) {
        case "--jar" -> o.jar = Paths.get(value);
        case "--work-dir" -> o.workDir = Paths.get(value);
        case "--seconds" -> o.seconds = positive(name, value);
        case "--before" -> o.beforeSeconds = positive(name, value);
        case "--after" -> o.afterSeconds = positive(name, value);
        case "--rate" -> o.rate = positive(name, value);
        case "--warmup" -> o.warmupSeconds = Integer.parseInt(value);
        case "--faults" -> o.faults = faults(value);
        case "--memory-seconds" -> o.memorySeconds = Integer.parseInt(value);
        case "--memory-rate" -> o.memoryRate = positive(name, value);
        case "--cluster-port" -> o.clusterPort = positive(name, value);
        case "--cluster-manager" -> o.clusterManager = manager(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return o;
  }

  private static List<String> faults(String value) {
    List<String> chosen = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String f : chosen) {
      if (!ALL.contains(f)) {
        throw new IllegalArgumentException("unknown fault " + f + " (known: " + String.join(",", ALL) + ")");
      }
    }
    return chosen;
  }

  private static String manager(String value) {
    if (!List.of("hazelcast", "infinispan").contains(value)) {
      throw new IllegalArgumentException("--cluster-manager is hazelcast or infinispan, not " + value);
    }
    return value;
  }

  private static int positive(String name, String value) {
    int v;
    try {
      v = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a whole number, not " + value);
    }
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
    return v;
  }
}
