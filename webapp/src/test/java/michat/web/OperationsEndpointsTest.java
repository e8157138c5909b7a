package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import michat.config.MichatConfig;
import michat.testkit.ClusterCredentials;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Where /metrics is served and who may read it, what the HTTP port binds to, and the start-up line
 * naming every listener. "From elsewhere" is this machine's own non-loopback address: a request to
 * it arrives from that address, which is what a client on another host looks like to the server.
 */
class OperationsEndpointsTest {

  @Test
  void metricsOnTheApplicationPortAnswerOnlyLoopbackClients() {
    String external = externalAddress();
    try (TestServer server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_HTTP_HOST", "0.0.0.0"))) {
      assertEquals(200, TestServer.status(server.get("/metrics")), "the bench scrapes from 127.0.0.1");

      WebClient remote = clientTo(server, external, server.port);
      HttpResponse<Buffer> metrics = TestServer.await(remote.get("/metrics").send());
      HttpResponse<Buffer> unknown = TestServer.await(remote.get("/no-such-page").send());
      assertEquals(404, TestServer.status(metrics));
      assertEquals(unknown.bodyAsString(), metrics.bodyAsString(), "as if /metrics did not exist");
      // Probes stay open to anyone, and say UP or DOWN per check, nothing else (no versions, hosts, errors).
      HttpResponse<Buffer> health = TestServer.await(remote.get("/health").send());
      assertEquals(200, TestServer.status(health));
      assertEquals(new JsonObject().put("status", "UP"), health.bodyAsJsonObject());
      JsonObject ready = TestServer.await(remote.get("/ready").send()).bodyAsJsonObject();
      assertEquals(Set.of("status", "checks"), ready.fieldNames());
      assertEquals(Set.of("storage", "redis"), ready.getJsonObject("checks").fieldNames());
      ready.getJsonObject("checks").forEach(check ->
          assertTrue(Set.of("UP", "DOWN", "not configured").contains(check.getValue()), check.toString()));

      // A reverse proxy on the same host connects from loopback for every visitor: it says so.
      HttpResponse<Buffer> proxied = TestServer.await(server.client.get("/metrics")
          .putHeader("X-Forwarded-For", "203.0.113.9").send());
      assertEquals(404, TestServer.status(proxied));
      remote.close();
    }
  }

  @Test
  void withAManagementPortMetricsAreServedThereAndNotOnTheApplicationPort() {
    int management = TestServer.freePort();
    try (TestServer server = TestServer.embedded(TestServer.tempDir(),
        Map.of("MICHAT_MANAGEMENT_PORT", Integer.toString(management)))) {
      assertEquals(404, TestServer.status(server.get("/metrics")), "not on the application port, even from loopback");
      WebClient ops = clientTo(server, "127.0.0.1", management);
      HttpResponse<Buffer> metrics = TestServer.await(ops.get("/metrics").send());
      assertEquals(200, TestServer.status(metrics));
      assertTrue(metrics.bodyAsString().contains("michat_sessions_open"), metrics.bodyAsString());
      assertEquals(200, TestServer.status(TestServer.await(ops.get("/health").send())));
      HttpResponse<Buffer> ready = TestServer.await(ops.get("/ready").send());
      assertEquals(200, TestServer.status(ready), ready.bodyAsString());
      ops.close();
    }
  }

  @Test
  void theManagementHostDefaultsToLoopback() {
    String external = externalAddress();
    int management = TestServer.freePort();
    try (TestServer server = TestServer.embedded(TestServer.tempDir(),
        Map.of("MICHAT_MANAGEMENT_PORT", Integer.toString(management)))) {
      WebClient remote = clientTo(server, external, management);
      assertThrows(IllegalStateException.class, () -> TestServer.await(remote.get("/metrics").send()),
          "nothing listens on " + external + ":" + management);
      remote.close();
    }
  }

  @Test
  void theStartUpLineNamesEveryListener() {
    int management = TestServer.freePort();
    List<String> lines = startUpLines(() -> TestServer.embedded(TestServer.tempDir(),
        Map.of("MICHAT_MANAGEMENT_PORT", Integer.toString(management))), server -> {
          String line = startUpLine();
          assertTrue(line.contains("listening on http://127.0.0.1:" + server.port + "/ (pages, REST, upload, chat WebSocket, /health, /ready)"), line);
          assertTrue(line.contains("management http://127.0.0.1:" + management + "/ (/metrics, /health, /ready)"), line);
        });
    assertEquals(1, lines.size(), String.valueOf(lines));
  }

  /** Clustered, without http.host: the HTTP port binds where the cluster does (127.0.0.1 by default), not everywhere. */
  @Test
  void aClusteredNodeWithoutHttpHostBindsToTheClusterHost() throws Exception {
    String external = externalAddress();
    Map<String, String> env = TestServer.baseEnv(TestServer.tempDir());
    env.remove("MICHAT_HTTP_HOST");
    int clusterPort = TestServer.freePort();
    env.put("MICHAT_CLUSTER_NAME", "michat-ops-test-" + ProcessHandle.current().pid());
    env.put("MICHAT_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("MICHAT_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort);
    env.putAll(ClusterCredentials.create(TestServer.tempDir(), "ops").env());
    int port = Integer.parseInt(env.get("PORT"));
    List<String> lines = startUpLines(() -> clustered(env), server -> {
      assertEquals(200, TestServer.status(server.get("/health")));
      assertEquals(200, TestServer.status(server.get("/metrics")), "loopback-only metrics, as in embedded mode");
      WebClient remote = clientTo(server, external, port);
      assertThrows(IllegalStateException.class, () -> TestServer.await(remote.get("/health").send()),
          "nothing listens on " + external + ":" + port);
      remote.close();
      String line = startUpLine();
      assertTrue(line.contains("listening on http://127.0.0.1:" + port + "/ "), line);
      assertTrue(line.matches(".*Hazelcast 127\\.0\\.0\\.1:\\d+.*"), line);
      assertTrue(line.matches(".*event bus 127\\.0\\.0\\.1:[1-9]\\d*.*"), line);
    });
    assertEquals(1, lines.size(), String.valueOf(lines));
  }

  // ---- helpers ----

  private static TestServer clustered(Map<String, String> env) {
    try {
      MichatApp app = MichatApp.start(MichatConfig.load(null, env), true).await(90, TimeUnit.SECONDS);
      return TestServer.wrap(app, env);
    } catch (Exception e) {
      throw new IllegalStateException("clustered michat did not start: " + e.getMessage(), e);
    }
  }

  /** This machine's first non-loopback IPv4 address; without one these tests cannot tell loopback from elsewhere. */
  static String externalAddress() {
    Optional<String> found;
    try {
      found = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .filter(OperationsEndpointsTest::usable)
          .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
          .map(InetAddress::getHostAddress).findFirst();
    } catch (SocketException e) {
      found = Optional.empty();
    }
    Assumptions.assumeTrue(found.isPresent(), "this machine has no non-loopback IPv4 address");
    return found.get();
  }

  private static boolean usable(NetworkInterface i) {
    try {
      return i.isUp() && !i.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }

  private static WebClient clientTo(TestServer server, String host, int port) {
    return WebClient.create(server.app.vertx(), new WebClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setLocalAddress(host).setConnectTimeout(5000).setFollowRedirects(false));
  }

  private interface Check {
    void on(TestServer server) throws Exception;
  }

  private static final ThreadLocal<ListAppender<ILoggingEvent>> CAPTURED = new ThreadLocal<>();

  /** Starts a server with MichatApp's INFO lines captured, runs the check, returns the lines naming listeners. */
  private static List<String> startUpLines(Supplier<TestServer> start, Check check) {
    Logger log = (Logger) LoggerFactory.getLogger(MichatApp.class);
    Level before = log.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    log.setLevel(Level.INFO);
    CAPTURED.set(appender);
    try (TestServer server = start.get()) {
      check.on(server);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      log.detachAppender(appender);
      log.setLevel(before);
      CAPTURED.remove();
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("listening on")).toList();
  }

  private static String startUpLine() {
    List<String> matching = CAPTURED.get().list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("listening on")).toList();
    assertEquals(1, matching.size(), "one start-up line: " + matching);
    assertTrue(!matching.get(0).contains("\n"), matching.get(0));
    return matching.get(0);
  }
}
