package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import michat.auth.TokenSecretRule;
import michat.config.ConfigKey;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.gateway.ChatGateway;
import michat.testkit.ClusterCredentials;
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
      "MARIADB_DATABASE", "MARIADB_USER", "MARIADB_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD", "REDIS_PASSWORD");
  /** Namespaces the policies name: the ingress controller's and Prometheus's. */
  private static final String INGRESS_NS = "ingress-nginx";
  private static final String MONITORING_NS = "monitoring";

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
    Map<String, String> secret = generatedSecret(objects);
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

  /** The base commits no Secret; the demo's is generated from make-secrets.sh's random values. */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/demo"})
  void noSecretValueComesFromTheRepository(String dir) throws Exception {
    List<Map<String, Object>> objects = render(dir);
    String rendered = new Yaml().dumpAll(objects.iterator());
    for (String published : TokenSecretRule.PUBLISHED) {
      assertFalse(rendered.contains(published), "a published example secret in " + dir);
    }
    assertFalse(rendered.contains("demo-password"), "the demo's old MariaDB password");
    for (Map<String, Object> deployment : ofKind(objects, "Deployment")) {
      for (Map<String, Object> c : list(obj(deployment, "spec", "template", "spec"), "containers")) {
        for (Map<String, Object> env : list(c, "env")) {
          String name = (String) env.get("name");
          assertFalse((name.contains("PASSWORD") || name.contains("SECRET")) && env.containsKey("value")
              && !name.equals("MARIADB_RANDOM_ROOT_PASSWORD"),
              name + " is written into " + str(deployment, "metadata", "name") + " instead of coming from a Secret");
        }
      }
    }
    if (dir.equals("base")) {
      assertTrue(ofKind(objects, "Secret").isEmpty(), "the base leaves the Secret to the operator");
      return;
    }
    Map<String, String> secret = generatedSecret(objects);
    assertEquals(Optional.empty(), TokenSecretRule.problem(secret.get("MICHAT_TOKEN_SECRET")));
    assertNotEquals(secret.get("MICHAT_TOKEN_SECRET"), generatedSecret(render(dir)).get("MICHAT_TOKEN_SECRET"),
        "every checkout generates its own");
    String dbPassword = secret.get("MARIADB_PASSWORD");
    String redisPassword = secret.get("REDIS_PASSWORD");
    assertTrue(dbPassword.length() >= 32 && redisPassword.length() >= 32);
    assertEquals("mysql://michat:" + dbPassword + "@mariadb:3306/michat", secret.get("MICHAT_MYSQL_URL"), "a non-root user");
    assertEquals("redis://:" + redisPassword + "@redis:6379/0", secret.get("MICHAT_REDIS_URL"));
    String secretName = ofKind(objects, "Secret").stream().map(o -> str(o, "metadata", "name"))
        .filter(n -> n.startsWith("michat-secrets")).findFirst().orElseThrow();
    Map<String, Object> mariadb = container(named(objects, "Deployment", "mariadb"));
    assertEquals("michat", envValue(mariadb, "MARIADB_USER"));
    assertEquals(secretName + "/MARIADB_PASSWORD", envSecretRef(mariadb, "MARIADB_PASSWORD"));
    Map<String, Object> redis = container(named(objects, "Deployment", "redis"));
    assertEquals(secretName + "/REDIS_PASSWORD", envSecretRef(redis, "REDIS_PASSWORD"));
    List<String> args = stringList(redis.get("args"));
    assertEquals("$(REDIS_PASSWORD)", args.get(args.indexOf("--requirepass") + 1));
  }

  /** Every pod: non-root, read-only root, no privilege escalation, no capabilities, seccomp, no API token, resources. */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/demo"})
  void everyPodIsLockedDown(String dir) throws Exception {
    List<Map<String, Object>> objects = render(dir);
    String jibUser = Files.readString(Paths.get("pom.xml")).replaceAll("(?s).*<user>([0-9:]+)</user>.*", "$1");
    for (Map<String, Object> deployment : ofKind(objects, "Deployment")) {
      String name = str(deployment, "metadata", "name");
      Map<String, Object> pod = obj(deployment, "spec", "template", "spec");
      assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), name + ": no API token");
      Map<String, Object> podSecurity = obj(pod, "securityContext");
      assertEquals(Boolean.TRUE, podSecurity.get("runAsNonRoot"), name);
      for (String id : List.of("runAsUser", "runAsGroup", "fsGroup")) {
        assertTrue(podSecurity.get(id) instanceof Integer && (Integer) podSecurity.get(id) > 0, name + " " + id);
      }
      assertEquals("RuntimeDefault", str(podSecurity, "seccompProfile", "type"), name);
      if (name.startsWith("michat-")) {
        assertEquals(jibUser, podSecurity.get("runAsUser") + ":" + podSecurity.get("runAsGroup"), "the image's user");
      }
      for (Map<String, Object> c : list(pod, "containers")) {
        Map<String, Object> sc = obj(c, "securityContext");
        assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), name);
        assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), name);
        assertTrue(stringList(obj(sc, "capabilities").get("drop")).contains("ALL"), name);
        for (String kind : List.of("requests", "limits")) {
          for (String resource : List.of("cpu", "memory")) {
            assertNotNull(str(c, "resources", kind, resource), name + " " + kind + "." + resource);
          }
        }
        if (name.startsWith("michat-")) {
          assertTrue(list(c, "volumeMounts").stream().anyMatch(m -> "/tmp".equals(m.get("mountPath"))), name + ": a writable /tmp");
        }
      }
    }
  }

  /**
   * Every michat pod holds the cluster's credentials (clustered mode does not start without them): the
   * Secret michat-cluster-tls mounted read-only where the configmap's cluster.tls paths point. The demo
   * makes its own (make-secrets.sh); the CA's key never goes into the Secret.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/demo"})
  void everyMemberHasTheClusterCredentials(String dir) throws Exception {
    List<Map<String, Object>> objects = render(dir);
    Map<String, String> config = map(named(objects, "ConfigMap", "michat-config"), "data");
    for (String key : List.of("MICHAT_CLUSTER_TLS_CERT_FILE", "MICHAT_CLUSTER_TLS_KEY_FILE", "MICHAT_CLUSTER_TLS_TRUST_FILE")) {
      assertTrue(String.valueOf(config.get(key)).startsWith("/etc/michat/cluster/"), key + " = " + config.get(key));
    }
    for (Map<String, Object> deployment : ofKind(objects, "Deployment")) {
      String name = str(deployment, "metadata", "name");
      if (!name.startsWith("michat-")) {
        continue;
      }
      Map<String, Object> pod = obj(deployment, "spec", "template", "spec");
      Map<String, Object> volume = list(pod, "volumes").stream().filter(v -> "cluster-tls".equals(v.get("name")))
          .findFirst().orElseThrow(() -> new AssertionError(name + ": no cluster-tls volume"));
      assertTrue(str(volume, "secret", "secretName").startsWith("michat-cluster-tls"), name);
      assertTrue(list(container(deployment), "volumeMounts").stream().anyMatch(m -> "cluster-tls".equals(m.get("name"))
          && "/etc/michat/cluster".equals(m.get("mountPath")) && Boolean.TRUE.equals(m.get("readOnly"))), name);
    }
    if (dir.equals("overlays/demo")) {
      Map<String, Object> secret = ofKind(objects, "Secret").stream()
          .filter(o -> str(o, "metadata", "name").startsWith("michat-cluster-tls")).findFirst().orElseThrow();
      assertEquals(Set.of("member.crt", "member.key", "ca.crt"), map(secret, "data").keySet());
    } else {
      assertTrue(ofKind(objects, "Secret").isEmpty(), "the base commits no secret: the operator creates it");
    }
  }

  /** What the NetworkPolicies let through, evaluated as Kubernetes does for ingress. */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/demo"})
  void networkPoliciesLetOnlyTheRightPeersIn(String dir) throws Exception {
    List<Map<String, Object>> objects = render(dir);
    List<Map<String, Object>> policies = ofKind(objects, "NetworkPolicy");
    Map<String, Object> deny = named(objects, "NetworkPolicy", "default-deny-ingress");
    assertEquals(Map.of(), obj(deny, "spec", "podSelector"), "default deny for every pod of the namespace");
    assertEquals(List.of("Ingress"), stringList(obj(deny, "spec").get("policyTypes")));
    Map<String, String> config = map(named(objects, "ConfigMap", "michat-config"), "data");
    int http = Integer.parseInt(config.get("PORT"));
    int hazelcast = Integer.parseInt(config.get("MICHAT_CLUSTER_PORT"));
    int eventBus = Integer.parseInt(config.get("MICHAT_CLUSTER_EVENT_BUS_PORT"));
    int management = Integer.parseInt(config.get("MICHAT_MANAGEMENT_PORT"));
    assertEquals(9090, management);
    assertEquals("0.0.0.0", config.get("MICHAT_MANAGEMENT_HOST"));

    Peer stranger = new Peer("michat", Map.of("app.kubernetes.io/name", "something-else"));
    Peer ingress = new Peer(INGRESS_NS, Map.of("app.kubernetes.io/name", "ingress-nginx"));
    Peer prometheus = new Peer(MONITORING_NS, Map.of("app.kubernetes.io/name", "prometheus"));
    Peer elsewhere = new Peer("default", Map.of("app", "bot"));
    Peer optedIn = new Peer("default", Map.of("app", "bot", "michat/http-client", "true"));
    List<Peer> michatPods = new ArrayList<>();
    for (String role : List.of("web", "user", "presence", "router", "gateway")) {
      michatPods.add(new Peer("michat", podLabels(named(objects, "Deployment", "michat-" + role))));
    }
    for (String role : List.of("web", "user", "presence", "router", "gateway")) {
      Map<String, Object> deployment = named(objects, "Deployment", "michat-" + role);
      Map<String, String> target = podLabels(deployment);
      for (int port : List.of(hazelcast, eventBus)) {
        for (Peer member : michatPods) {
          assertTrue(allowed(policies, target, port, member), role + ":" + port + " from michat pods");
        }
        for (Peer other : List.of(stranger, ingress, prometheus, elsewhere, optedIn)) {
          assertFalse(allowed(policies, target, port, other), role + ":" + port + " from " + other);
        }
      }
      boolean front = role.equals("web") || role.equals("gateway");
      assertEquals(front, allowed(policies, target, http, ingress), role + ":" + http + " from the ingress controller");
      assertEquals(front, allowed(policies, target, http, optedIn), role + ":" + http + " from a pod that opted in");
      for (Peer other : List.of(stranger, elsewhere, prometheus)) {
        assertFalse(allowed(policies, target, http, other), role + ":" + http + " from " + other);
      }
      assertTrue(allowed(policies, target, management, prometheus), role + ": metrics from monitoring");
      for (Peer other : List.of(stranger, ingress, elsewhere, optedIn, michatPods.get(0))) {
        assertFalse(allowed(policies, target, management, other), role + ": metrics from " + other);
      }
      Map<String, String> annotations = new HashMap<>();
      obj(deployment, "spec", "template", "metadata", "annotations").forEach((k, v) -> annotations.put(k, String.valueOf(v)));
      assertEquals("true", annotations.get("prometheus.io/scrape"));
      assertEquals(String.valueOf(management), annotations.get("prometheus.io/port"));
      assertEquals("/metrics", annotations.get("prometheus.io/path"));
      assertTrue(list(container(deployment), "ports").stream()
          .anyMatch(p -> "management".equals(p.get("name")) && Integer.valueOf(management).equals(p.get("containerPort"))));
    }
    if (dir.equals("overlays/demo")) {
      for (Map.Entry<String, Integer> store : Map.of("mariadb", 3306, "redis", 6379).entrySet()) {
        Map<String, String> target = podLabels(named(objects, "Deployment", store.getKey()));
        for (Peer member : michatPods) {
          assertTrue(allowed(policies, target, store.getValue(), member), store.getKey() + " from michat pods");
        }
        for (Peer other : List.of(stranger, ingress, prometheus, elsewhere, optedIn)) {
          assertFalse(allowed(policies, target, store.getValue(), other), store.getKey() + " from " + other);
        }
      }
    }
  }

  // ---- NetworkPolicy semantics (ingress) ----

  /** A pod that connects: its namespace (labelled kubernetes.io/metadata.name) and its labels. */
  record Peer(String namespace, Map<String, String> labels) {}

  /** Isolated pods (selected by some policy) accept what any selecting policy allows; namespace michat. */
  private static boolean allowed(List<Map<String, Object>> policies, Map<String, String> target, int port, Peer from) {
    boolean isolated = false;
    for (Map<String, Object> policy : policies) {
      if (!matches(obj(policy, "spec", "podSelector"), target)) {
        continue;
      }
      isolated = true;
      for (Map<String, Object> rule : list(policy, "spec", "ingress")) {
        boolean portOk = list(rule, "ports").isEmpty() || list(rule, "ports").stream()
            .anyMatch(p -> Integer.valueOf(port).equals(p.get("port")));
        boolean peerOk = list(rule, "from").isEmpty() || list(rule, "from").stream().anyMatch(f -> peerMatches(f, from));
        if (portOk && peerOk) {
          return true;
        }
      }
    }
    return !isolated;
  }

  private static boolean peerMatches(Map<String, Object> peer, Peer from) {
    Map<String, Object> ns = obj(peer, "namespaceSelector");
    Map<String, Object> pods = obj(peer, "podSelector");
    assertNull(peer.get("ipBlock"), "no ipBlock peers");
    boolean nsOk = ns == null ? from.namespace().equals("michat")
        : matches(ns, Map.of("kubernetes.io/metadata.name", from.namespace()));
    return nsOk && (pods == null || matches(pods, from.labels()));
  }

  private static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, Object> matchLabels = obj(selector, "matchLabels");
    if (matchLabels != null) {
      for (Map.Entry<String, Object> e : matchLabels.entrySet()) {
        if (!String.valueOf(e.getValue()).equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (Map<String, Object> expr : list(selector, "matchExpressions")) {
      assertEquals("In", expr.get("operator"), "only In expressions are evaluated here");
      if (!stringList(expr.get("values")).contains(labels.get((String) expr.get("key")))) {
        return false;
      }
    }
    return true;
  }

  // ---- helpers ----

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  private static Map<String, Object> named(List<Map<String, Object>> objects, String kind, String name) {
    return ofKind(objects, kind).stream().filter(o -> name.equals(str(o, "metadata", "name"))).findFirst()
        .orElseThrow(() -> new AssertionError(kind + "/" + name + " missing"));
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    return list(obj(deployment, "spec", "template", "spec"), "containers").get(0);
  }

  private static Map<String, String> podLabels(Map<String, Object> deployment) {
    Map<String, String> out = new HashMap<>();
    obj(deployment, "spec", "template", "metadata", "labels").forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static String envValue(Map<String, Object> container, String name) {
    return list(container, "env").stream().filter(e -> name.equals(e.get("name"))).map(e -> (String) e.get("value"))
        .findFirst().orElse(null);
  }

  private static String envSecretRef(Map<String, Object> container, String name) {
    return list(container, "env").stream().filter(e -> name.equals(e.get("name")))
        .map(e -> str(e, "valueFrom", "secretKeyRef", "name") + "/" + str(e, "valueFrom", "secretKeyRef", "key"))
        .findFirst().orElse(null);
  }

  /** michat-secrets (with kustomize's hash suffix), decoded; empty when the operator creates it. */
  private static Map<String, String> generatedSecret(List<Map<String, Object>> objects) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> s : ofKind(objects, "Secret")) {
      if (str(s, "metadata", "name").startsWith("michat-secrets")) {
        map(s, "stringData").forEach(out::put);
        map(s, "data").forEach((k, v) -> out.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  // ---- rendering ----

  /**
   * Renders a copy of k8s/ (so that nothing is written into the working tree) after running the
   * overlay's make-secrets.sh, as docs/deploy.md tells the operator to.
   */
  static List<Map<String, Object>> render(String dir) throws IOException, InterruptedException {
    Path source = Paths.get("..", "k8s").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(source.resolve(dir)), source.resolve(dir).toString());
    Path k8s = Files.createTempDirectory("michat-k8s-").resolve("k8s");
    try (var files = Files.walk(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = k8s.resolve(source.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else if (!f.getFileName().toString().equals("secrets.env")) {
          Files.copy(f, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Path makeSecrets = k8s.resolve(dir).resolve("make-secrets.sh");
    if (Files.exists(makeSecrets)) {
      Process gen = new ProcessBuilder("sh", makeSecrets.toString()).redirectErrorStream(true).start();
      gen.getInputStream().readAllBytes();
      assertTrue(gen.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, gen.exitValue(), "make-secrets.sh failed");
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(k8s.resolve(dir).resolve("secrets.env"))), "secrets.env is private");
    }
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
