package michat.bench.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import michat.testkit.ClusterCredentials;
import michat.testkit.Loopback;
import michat.testkit.OwnMariaDb;
import michat.testkit.OwnRedis;
import michat.testkit.TcpRelay;

/**
 * What the matrix fails: a MariaDB of its own behind a relay (to slow it down), a Redis of its own,
 * and michat as five JVMs from the jar — {@code core} (web, user, presence: the REST API), gateways
 * {@code gw1} and {@code gw2}, routers {@code r1} and {@code r2} — members over mutual TLS. gw1's
 * event bus is reached through a relay (its advertised public port), so that the bus between it and
 * the rest of the cluster can be cut while the cluster manager still sees it as a member: the
 * nastiest kind of partition, where the routers keep sending to a node they cannot reach.
 */
final class FaultCluster implements AutoCloseable {
  final OwnMariaDb mariadb;
  final TcpRelay dbRelay;
  final OwnRedis redis;
  final TcpRelay gw1Bus;
  final Node core;
  final Node gw1;
  final Node gw2;
  final Node r1;
  final Node r2;
  private final List<AutoCloseable> open = new ArrayList<>();

  private FaultCluster(FaultOptions o, Path logs) throws Exception {
    try {
      mariadb = keep(new OwnMariaDb());
      dbRelay = keep(new TcpRelay(mariadb.port));
      redis = keep(new OwnRedis());
      int gw1BusPort = Loopback.freePort();
      gw1Bus = keep(new TcpRelay(gw1BusPort));
      Map<String, String> env = new HashMap<>();
      env.put("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:" + dbRelay.port + "/michat_faults");
      env.put("MICHAT_REDIS_URL", redis.url());
      env.put("MICHAT_TOKEN_SECRET", secret());
      env.put("MICHAT_PASSWORD_ITERATIONS", "1000");
      env.put("MICHAT_CLUSTER", "true");
      env.put("MICHAT_CLUSTER_NAME", "michat-faults-" + ProcessHandle.current().pid());
      env.put("MICHAT_CLUSTER_PORT", Integer.toString(o.clusterPort));
      env.put("MICHAT_CLUSTER_MANAGER", o.clusterManager);
      env.put("MICHAT_GATEWAY_MESSAGES_PER_SECOND", "100000");
      env.put("MICHAT_GATEWAY_MESSAGE_BURST", "100000");
      env.putAll(ClusterCredentials.create(logs, "faults").env());
      Path jar = o.jar.toAbsolutePath();
      core = keep(node("core", "web,user,presence", jar, logs, env));
      core.start().awaitStarted();   // it migrates the schema; the others start once it is up
      Map<String, String> gw1Env = new HashMap<>(env);
      gw1Env.put("MICHAT_CLUSTER_EVENT_BUS_PORT", Integer.toString(gw1BusPort));
      gw1Env.put("MICHAT_CLUSTER_EVENT_BUS_PUBLIC_PORT", Integer.toString(gw1Bus.port));
      gw1 = keep(node("gw1", "gateway", jar, logs, gw1Env));
      gw2 = keep(node("gw2", "gateway", jar, logs, env));
      r1 = keep(node("r1", "router", jar, logs, env));
      r2 = keep(node("r2", "router", jar, logs, env));
      for (Node n : List.of(gw1, gw2, r1, r2)) {
        n.start();
      }
      for (Node n : List.of(gw1, gw2, r1, r2)) {
        n.awaitStarted();
      }
    } catch (Exception | Error e) {
      close();   // what did start stops again
      throw e;
    }
  }

  static FaultCluster start(FaultOptions o) throws Exception {
    Path logs = o.workDir != null ? Files.createDirectories(o.workDir) : Files.createTempDirectory("michat-faults-");
    System.err.println("[faults] logs of every JVM in " + logs);
    return new FaultCluster(o, logs);
  }

  /** The matrix's rows, in the order given. */
  List<Fault> faults(List<String> keys) {
    Map<String, Fault> all = new HashMap<>();
    for (Fault f : List.of(
        new Fault("db-kill", "MariaDB killed (kill -9), started again", mariadb::kill, mariadb::start, false),
        new Fault("db-freeze", "MariaDB frozen (SIGSTOP)", mariadb::freeze, mariadb::thaw, false),
        new Fault("db-slow", "MariaDB slow (+500 ms each way)", () -> dbRelay.delay(500), () -> dbRelay.delay(0), false),
        new Fault("redis-kill", "Redis killed (kill -9), started again empty", redis::kill, redis::start, true),
        new Fault("redis-freeze", "Redis frozen (SIGSTOP)", redis::freeze, redis::thaw, true),
        new Fault("bus-cut", "Event bus to gateway gw1 cut (membership intact)", gw1Bus::cut, gw1Bus::restore, true),
        new Fault("gateway-kill", "Gateway gw1 killed (kill -9), started again", gw1::kill, gw1::restart, true),
        new Fault("router-kill", "Router r2 killed (kill -9), started again", r2::kill, r2::restart, true),
        // At least 10 s: longer than the cluster's failure detection (8 s), so that the others expel it.
        new Fault("gateway-stop", "Gateway gw1 stopped (SIGSTOP)", gw1::freeze, this::thawGw1, true, 10))) {
      all.put(f.key(), f);
    }
    return keys.stream().map(all::get).toList();
  }

  /** SIGCONT; a gateway that finds itself expelled leaves, and is started again as a supervisor would. */
  private void thawGw1() throws Exception {
    gw1.thaw();
    gw1.restartIfItExits(15_000);
  }

  List<Node> nodes() {
    return List.of(core, gw1, gw2, r1, r2);
  }

  private static Node node(String name, String roles, Path jar, Path logs, Map<String, String> env) {
    return new Node(name, roles, jar, logs, env, Loopback.freePort(), Loopback.freePort());
  }

  private static String secret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private <T extends AutoCloseable> T keep(T resource) {
    open.add(0, resource);
    return resource;
  }

  @Override
  public void close() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("[faults] closing " + c + ": " + e);
      }
    }
  }
}
