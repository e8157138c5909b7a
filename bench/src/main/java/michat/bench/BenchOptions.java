package michat.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line options of the bench, with defaults sized for a laptop. */
final class BenchOptions {
  String scenario;
  String url = "http://127.0.0.1:8080";
  String seedSecret = System.getenv().getOrDefault("MICHAT_BENCH_SEED_SECRET", "");
  /** Sessions (= users: one session each). For group: groups × groupSize when not given. */
  int sessions = 1000;
  /** Messages per second offered in total (private, group). */
  int rate = 1000;
  int durationSeconds = 10;
  /** Sessions opened per second. */
  int connectRate = 1000;
  /** connections: how long to hold the sessions open (heartbeats on) after the last one connected. */
  int holdSeconds = 10;
  int friends = 5;
  int groups = 10;
  int groupSize = 100;
  int heartbeatSeconds = 10;
  /** The chat protocol: 2 (acknowledgements after storing, counted) or the ginchat protocol's 1. */
  int protocol = 2;
  int progressSeconds = 5;
  /** Most time to wait for messages still on their way after the last send. */
  int drainSeconds = 15;
  /**
   * private, group: a run of this many seconds first, in the same process and not counted, so that the
   * measured run does not share the two cores with the load generator's own JIT compilation.
   */
  int warmupSeconds;
  List<String> sourceAddresses = List.of();
  /** A local server's pid: "jcmd PID GC.run" before reading its memory, for live heap per session. */
  String serverPid;
  int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
  /** charts: the sweeps and where the PNGs go. */
  String chartsDir = "docs";
  List<Integer> chartRates = List.of(500, 1000, 2000, 4000);
  List<Integer> chartSessions = List.of(1000, 2000, 5000);
  List<Integer> chartGroupSizes = List.of(10, 100, 1000);
  boolean quiet;

  String host() {
    return URI.create(url).getHost();
  }

  int port() {
    URI u = URI.create(url);
    return u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
  }

  static final String USAGE = String.join("\n",
      "usage: java -jar bench/target/michat-bench.jar SCENARIO [options]",
      "scenarios:",
      "  connections  open --sessions at --connect-rate, hold them --hold s with heartbeats; server heap/RSS per session",
      "  private      --sessions users send --rate msg/s in total to random friends for --duration s",
      "  group        --groups groups of --group-size members; --rate group messages/s in total for --duration s",
      "  charts       sweeps (--chart-rates, --chart-sessions, --chart-group-sizes) and draws PNGs into --charts-dir",
      "  faults       the fault matrix: its own MariaDB, Redis and michat cluster, one failure at a time (faults --help)",
      "options:",
      "  --url URL                 michat to load (default http://127.0.0.1:8080)",
      "  --seed-secret S           the server's bench.seedSecret (or env MICHAT_BENCH_SEED_SECRET)",
      "  --sessions N --rate R --duration S --connect-rate C --hold S --friends K --groups G --group-size S",
      "  --heartbeat S --progress S --drain S --loops N",
      "  --warmup S                private, group: first a run of S s in this process, not counted (the bench's JIT)",
      "  --protocol 2|1            2 (default): clientMsgId on every message, acknowledgements counted; 1: the ginchat protocol's",
      "  --source-addresses 127.0.0.1,127.0.0.2,...   spread client connections (more than ~28k per address pair)",
      "  --server-pid PID          run jcmd PID GC.run before reading server memory (server on this machine)",
      "  --quiet                   no progress lines",
      "Many sessions need many file descriptors on both sides: ulimit -n 200000 (or as allowed).",
      "Exit code: 0 ok, 1 lost/duplicated/rejected messages or failed sessions, 2 usage or set-up error.");

  static BenchOptions parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("no scenario");
    }
    BenchOptions o = new BenchOptions();
    o.scenario = args[0];
    if (!List.of("connections", "private", "group", "charts").contains(o.scenario)) {
      throw new IllegalArgumentException("unknown scenario " + o.scenario);
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (name.equals("quiet")) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
      kv.put(name, value);
    }
    boolean sessionsGiven = kv.containsKey("sessions");
    kv.forEach((k, v) -> o.set(k, v));
    if (o.scenario.equals("group") && !sessionsGiven) {
      o.sessions = o.groups * o.groupSize;
    }
    return o;
  }

  private void set(String name, String v) {
    switch (name) {
      case "url" -> url = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
      case "seed-secret" -> seedSecret = v;
      case "sessions" -> sessions = positive(name, v);
      case "rate" -> rate = positive(name, v);
      case "duration" -> durationSeconds = positive(name, v);
      case "connect-rate" -> connectRate = positive(name, v);
      case "hold" -> holdSeconds = atLeast(name, v, 0);
      case "friends" -> friends = atLeast(name, v, 1);
      case "groups" -> groups = positive(name, v);
      case "group-size" -> groupSize = positive(name, v);
      case "heartbeat" -> heartbeatSeconds = positive(name, v);
      case "protocol" -> {
        protocol = atLeast(name, v, 1);
        if (protocol != 1 && protocol != 2) {
          throw new IllegalArgumentException("--protocol must be 1 or 2");
        }
      }
      case "progress" -> progressSeconds = positive(name, v);
      case "drain" -> drainSeconds = positive(name, v);
      case "warmup" -> {
        warmupSeconds = atLeast(name, v, 0);
        if (warmupSeconds > 0 && !List.of("private", "group").contains(scenario)) {
          throw new IllegalArgumentException("--warmup applies to private and group only");
        }
      }
      case "loops" -> loops = positive(name, v);
      case "source-addresses" -> sourceAddresses = Arrays.stream(v.split(",")).map(String::trim)
          .filter(s -> !s.isEmpty()).toList();
      case "server-pid" -> serverPid = v;
      case "charts-dir" -> chartsDir = v;
      case "chart-rates" -> chartRates = ints(name, v);
      case "chart-sessions" -> chartSessions = ints(name, v);
      case "chart-group-sizes" -> chartGroupSizes = ints(name, v);
      case "quiet" -> quiet = Boolean.parseBoolean(v);
      default -> throw new IllegalArgumentException("unknown option --" + name);
    }
  }

  private static int positive(String name, String v) {
    return atLeast(name, v, 1);
  }

  /** A whole number of at least {@code min}, or an error that names the option and the value. */
  private static int atLeast(String name, String v, int min) {
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + v + "'");
    }
    if (n < min) {
      throw new IllegalArgumentException("--" + name + " must be at least " + min + ", not " + n);
    }
    return n;
  }

  private static List<Integer> ints(String name, String v) {
    List<Integer> out = new ArrayList<>();
    for (String s : v.split(",")) {
      out.add(atLeast(name, s, 1));
    }
    return out;
  }

  BenchOptions copy() {
    BenchOptions o = new BenchOptions();
    o.scenario = scenario;
    o.url = url;
    o.seedSecret = seedSecret;
    o.sessions = sessions;
    o.rate = rate;
    o.durationSeconds = durationSeconds;
    o.connectRate = connectRate;
    o.holdSeconds = holdSeconds;
    o.friends = friends;
    o.groups = groups;
    o.groupSize = groupSize;
    o.heartbeatSeconds = heartbeatSeconds;
    o.protocol = protocol;
    o.progressSeconds = progressSeconds;
    o.drainSeconds = drainSeconds;
    o.warmupSeconds = warmupSeconds;
    o.sourceAddresses = sourceAddresses;
    o.serverPid = serverPid;
    o.loops = loops;
    o.chartsDir = chartsDir;
    o.chartRates = chartRates;
    o.chartSessions = chartSessions;
    o.chartGroupSizes = chartGroupSizes;
    o.quiet = quiet;
    return o;
  }
}
