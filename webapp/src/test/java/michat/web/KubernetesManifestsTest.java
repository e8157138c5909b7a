package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import michat.config.ConfigKey;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.gateway.ChatGateway;
import michat.web.http.HealthRoutes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders k8s/ with {@code kubectl kustomize} and checks every object against what michat really
 * reads and serves: env names are settings michat knows, roles parse, probes hit /ready and /health on
 * the HTTP port, the WebSocket paths go to the gateways, the cluster's DNS name is the headless
 * Service, autoscalers and budgets point at real Deployments.
 */
class KubernetesManifestsTest {
  /** Variables read by something other than michat's settings. */
  private static final Set<String> OTHER_ENV = Set.of("REDGATE_DISABLE_TELEMETRY", "JAVA_TOOL_OPTIONS",
      "MARIADB_DATABASE", "MARIADB_USER", "MARIADB_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD");

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/demo"})
  void manifestsRenderAndAgreeWithTheCode(String dir) throws Exception {
    List<Map<String, Object>> objects = render(dir);
    Map<String, Map<String, Object>> byKindName = new HashMap<>();
    for (Map<String, Object> o : objects) {
      byKindName.put(o.get("kind") + "/" + str(o, "metadata", "name"), o);
      assertEquals("michat", nsOf(o), "every object lives in the michat namespace: " + o.get("kind"));
    }
    Set<String> michatEnv = new HashSet<>();
    for (ConfigKey k : ConfigKeys.ALL) {
      michatEnv.addAll(k.envVars());
    }
    Map<String, String> config = map(byKindName.get("ConfigMap/michat-config"), "data");
    Map<String, String> secret = map(byKindName.get("Secret/michat-secrets"), "stringData");
    for (String key : concat(config.keySet(), secret.keySet())) {
      assertTrue(michatEnv.contains(key) || OTHER_ENV.contains(key), "unknown setting " + key);
    }

    Map<String, Object> headless = byKindName.get("Service/michat-cluster");
    assertEquals("None", str(headless, "spec", "clusterIP"));
    assertEquals(Boolean.TRUE, ((Map<?, ?>) headless.get("spec")).get("publishNotReadyAddresses"));
    assertEquals("michat-cluster.michat.svc.cluster.local", config.get("MICHAT_CLUSTER_KUBERNETES_SERVICE"));
    assertEquals("kubernetes", config.get("MICHAT_CLUSTER_DISCOVERY"));

    Set<String> rolesSeen = new HashSet<>();
    for (String role : List.of("web", "user", "presence", "router", "gateway")) {
      Map<String, Object> deployment = byKindName.get("Deployment/michat-" + role);
      assertNotNull(deployment, "a Deployment per role: " + role);
      Map<String, Object> pod = obj(obj(deployment, "spec", "template"), "spec");
      Map<String, Object> container = list(pod, "containers").get(0);
      List<String> args = stringList(container.get("args"));
      assertEquals("--roles", args.get(0));
      MichatConfig cfg = MichatConfig.load(null, Map.of("MICHAT_ROLES", args.get(1)));
      rolesSeen.addAll(Role.parse(cfg).stream().map(Role::label).toList());
      for (Map<String, Object> env : list(container, "env")) {
        assertTrue(michatEnv.contains((String) env.get("name")), "unknown env " + env.get("name"));
      }
      Map<String, Integer> ports = new HashMap<>();
      for (Map<String, Object> p : list(container, "ports")) {
        ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
      }
      assertEquals(Integer.valueOf(config.get("PORT")), ports.get("http"));
      assertEquals(Integer.valueOf(config.get("MICHAT_CLUSTER_PORT")), ports.get("hazelcast"));
      assertEquals(Integer.valueOf(config.get("MICHAT_CLUSTER_EVENT_BUS_PORT")), ports.get("eventbus"));
      assertEquals(HealthRoutes.READY, str(container, "readinessProbe", "httpGet", "path"));
      assertEquals(HealthRoutes.HEALTH, str(container, "livenessProbe", "httpGet", "path"));
      assertEquals("http", str(container, "readinessProbe", "httpGet", "port"));
      assertNotNull(obj(container, "resources", "requests"), "requests for " + role);
      assertNotNull(obj(container, "resources", "limits"), "limits for " + role);
      assertTrue(((Integer) pod.get("terminationGracePeriodSeconds")) >= 30);
      assertEquals(Boolean.TRUE, obj(pod, "securityContext").get("runAsNonRoot"));
      Map<String, Object> labels = obj(obj(deployment, "spec", "template"), "metadata", "labels");
      for (Map.Entry<?, ?> sel : obj(headless, "spec", "selector").entrySet()) {
        assertEquals(sel.getValue(), labels.get(sel.getKey()), role + " pods are cluster members");
      }
      for (String volumeMount : List.of("data")) {
        assertTrue(list(container, "volumeMounts").stream()
            .anyMatch(m -> volumeMount.equals(m.get("name")) && config.get("MICHAT_DATA_DIR").equals(m.get("mountPath"))));
      }
    }
    assertEquals(Set.of("web", "user", "presence", "router", "gateway"), rolesSeen);

    Map<String, Object> ingress = byKindName.get("Ingress/michat");
    Map<String, String> pathToService = new HashMap<>();
    for (Map<String, Object> rule : list(ingress, "spec", "rules")) {
      for (Map<String, Object> p : list(obj(rule, "http"), "paths")) {
        pathToService.put((String) p.get("path"), str(p, "backend", "service", "name"));
      }
    }
    for (String ws : concat(ChatGateway.CHAT_PATHS, List.of(ChatGateway.CHANNEL_PATH))) {
      assertEquals("michat-gateway", pathToService.get(ws), "WebSocket path " + ws + " goes to the gateways");
    }
    assertEquals("michat-web", pathToService.get("/"));
    assertTrue(Integer.parseInt(str(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 600,
        "long timeouts for WebSockets");
    for (String service : pathToService.values()) {
      Map<String, Object> svc = byKindName.get("Service/" + service);
      assertNotNull(svc, service);
      String target = str(svc, "spec", "selector", "app.kubernetes.io/name");
      assertNotNull(byKindName.get("Deployment/" + target), service + " selects a Deployment");
      assertNull(obj(svc, "spec").get("sessionAffinity"), "no sticky sessions");
    }

    for (String hpa : List.of("gateway", "router")) {
      Map<String, Object> h = byKindName.get("HorizontalPodAutoscaler/michat-" + hpa);
      assertNotNull(h, "autoscaler for " + hpa);
      assertNotNull(byKindName.get("Deployment/" + str(h, "spec", "scaleTargetRef", "name")));
    }
    for (String role : List.of("web", "user", "presence", "router", "gateway")) {
      assertNotNull(byKindName.get("PodDisruptionBudget/michat-" + role), "budget for " + role);
    }
    if (dir.equals("overlays/demo")) {
      assertNotNull(byKindName.get("Deployment/mariadb"));
      assertNotNull(byKindName.get("Deployment/redis"));
      assertTrue(secret.get("MICHAT_MYSQL_URL").contains("@mariadb:3306/"));
    }
  }

  // ---- rendering ----

  static List<Map<String, Object>> render(String dir) throws IOException, InterruptedException {
    Path k8s = Paths.get("..", "k8s").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(k8s.resolve(dir)), k8s.resolve(dir).toString());
    if (!onPath("kubectl")) {
      if (System.getenv("CI") != null) {
        fail("kubectl is not installed and CI is set: .ci/run installs it");
      }
      Assumptions.abort("kubectl not installed");
    }
    Process p = new ProcessBuilder("kubectl", "kustomize", k8s.resolve(dir).toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " failed");
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(out)) {
      if (doc != null) {
        objects.add(cast(doc));
      }
    }
    assertFalse(objects.isEmpty());
    return objects;
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Paths.get(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static String nsOf(Map<String, Object> o) {
    return o.get("kind").equals("Namespace") ? str(o, "metadata", "name") : str(o, "metadata", "namespace");
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static Map<String, Object> obj(Map<String, Object> o, String... path) {
    Object cur = o;
    for (String p : path) {
      cur = cur == null ? null : ((Map<?, ?>) cur).get(p);
    }
    return cast(cur);
  }

  private static String str(Map<String, Object> o, String... path) {
    Object cur = o;
    for (String p : path) {
      cur = cur == null ? null : ((Map<?, ?>) cur).get(p);
    }
    return cur == null ? null : String.valueOf(cur);
  }

  private static List<Map<String, Object>> list(Map<String, Object> o, String... path) {
    Object cur = o;
    for (String p : path) {
      cur = cur == null ? null : ((Map<?, ?>) cur).get(p);
    }
    return cur == null ? List.of() : cast(cur);
  }

  private static Map<String, String> map(Map<String, Object> o, String key) {
    Map<String, String> out = new HashMap<>();
    Map<String, Object> m = obj(o, key);
    if (m != null) {
      m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    }
    return out;
  }

  private static List<String> stringList(Object o) {
    List<String> out = new ArrayList<>();
    ((List<?>) o).forEach(x -> out.add(String.valueOf(x)));
    return out;
  }

  private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static void assertNull(Object o, String message) {
    org.junit.jupiter.api.Assertions.assertNull(o, message);
  }
}
