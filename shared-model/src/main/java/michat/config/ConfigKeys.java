package michat.config;

import java.util.List;

/**
 * Every configuration key michat reads, in one place. Defaults live in
 * {@code michat-defaults.json} inside the jar; a {@code -conf} file and then environment variables
 * override them. The original's names are accepted as aliases.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  public static final ConfigKey HTTP_PORT = key("http.port", List.of("PORT", "MICHAT_HTTP_PORT"),
      List.of("port.server"), "HTTP port for pages, REST and WebSocket");
  public static final ConfigKey HTTP_HOST = key("http.host", List.of("MICHAT_HTTP_HOST"),
      List.of(), "interface the HTTP server binds to; unset = 0.0.0.0 embedded, cluster.host when clustered");
  public static final ConfigKey DATA_DIR = key("data.dir", List.of("MICHAT_DATA_DIR"),
      List.of(), "directory of the embedded H2 database, the generated token secret and uploads");
  public static final ConfigKey ROLES = key("roles", List.of("MICHAT_ROLES"),
      List.of(), "roles deployed in this JVM: all, or a list of web,user,presence,router,gateway");
  public static final ConfigKey CLUSTER = key("cluster.enabled", List.of("MICHAT_CLUSTER"),
      List.of(), "start Vert.x clustered (same as -cluster)");

  public static final ConfigKey CLUSTER_MANAGER = key("cluster.manager", List.of("MICHAT_CLUSTER_MANAGER"),
      List.of(), "cluster manager: hazelcast, or infinispan (members join over mutual TLS with the cluster.tls credentials)");
  public static final ConfigKey CLUSTER_NAME = key("cluster.name", List.of("MICHAT_CLUSTER_NAME"),
      List.of(), "cluster name: only JVMs with the same name join each other");
  public static final ConfigKey CLUSTER_DISCOVERY = key("cluster.discovery", List.of("MICHAT_CLUSTER_DISCOVERY"),
      List.of(), "how JVMs find each other: tcp (cluster.members), multicast (LAN) or kubernetes (DNS of a headless Service)");
  public static final ConfigKey CLUSTER_MEMBERS = key("cluster.members", List.of("MICHAT_CLUSTER_MEMBERS"),
      List.of(), "tcp discovery: comma-separated host or host:port of members");
  public static final ConfigKey CLUSTER_HOST = key("cluster.host", List.of("MICHAT_CLUSTER_HOST"),
      List.of(), "address the cluster manager and the event bus bind to and announce (the pod IP on Kubernetes)");
  public static final ConfigKey CLUSTER_PORT = key("cluster.port", List.of("MICHAT_CLUSTER_PORT"),
      List.of(), "cluster manager port, Hazelcast's or JGroups' (the next free one is taken when busy)");
  public static final ConfigKey CLUSTER_EVENT_BUS_PORT = key("cluster.eventBusPort",
      List.of("MICHAT_CLUSTER_EVENT_BUS_PORT"), List.of(), "event-bus port; 0 = any free port");
  public static final ConfigKey CLUSTER_EVENT_BUS_PUBLIC_PORT = key("cluster.eventBusPublicPort",
      List.of("MICHAT_CLUSTER_EVENT_BUS_PUBLIC_PORT"), List.of(),
      "event-bus port the other members connect to when it is not the one bound (a NAT or a relay in between); 0 = the bound one");
  public static final ConfigKey CLUSTER_KUBERNETES_SERVICE = key("cluster.kubernetesService",
      List.of("MICHAT_CLUSTER_KUBERNETES_SERVICE"), List.of(),
      "kubernetes discovery: DNS name of the headless Service, e.g. michat-cluster.michat.svc.cluster.local");
  public static final ConfigKey CLUSTER_MULTICAST_GROUP = key("cluster.multicastGroup",
      List.of("MICHAT_CLUSTER_MULTICAST_GROUP"), List.of(), "multicast discovery: group address");
  public static final ConfigKey CLUSTER_TLS_KEY_STORE = key("cluster.tls.keyStore", List.of("MICHAT_CLUSTER_TLS_KEY_STORE"),
      List.of(), "this member's private key and certificate as a PKCS#12 file (clustered mode needs it, or certFile and keyFile)");
  public static final ConfigKey CLUSTER_TLS_KEY_STORE_PASSWORD = key("cluster.tls.keyStorePassword",
      List.of("MICHAT_CLUSTER_TLS_KEY_STORE_PASSWORD"), List.of(), "password of cluster.tls.keyStore");
  public static final ConfigKey CLUSTER_TLS_CERT_FILE = key("cluster.tls.certFile", List.of("MICHAT_CLUSTER_TLS_CERT_FILE"),
      List.of(), "this member's certificate chain as PEM (with cluster.tls.keyFile, instead of a key store)");
  public static final ConfigKey CLUSTER_TLS_KEY_FILE = key("cluster.tls.keyFile", List.of("MICHAT_CLUSTER_TLS_KEY_FILE"),
      List.of(), "this member's private key as PEM (PKCS#8)");
  public static final ConfigKey CLUSTER_TLS_TRUST_FILE = key("cluster.tls.trustFile", List.of("MICHAT_CLUSTER_TLS_TRUST_FILE"),
      List.of(), "the certificate(s) that vouch for members — the cluster's CA — as PEM or PKCS#12 (.p12, .pfx)");
  public static final ConfigKey CLUSTER_TLS_TRUST_PASSWORD = key("cluster.tls.trustPassword",
      List.of("MICHAT_CLUSTER_TLS_TRUST_PASSWORD"), List.of(), "password of a PKCS#12 cluster.tls.trustFile");

  public static final ConfigKey MYSQL_URL = key("mysql.url", List.of("MICHAT_MYSQL_URL"),
      List.of("mysql.dns", "mysql.dsn"),
      "MySQL/MariaDB as mysql://user:password@host:port/database (or the original's Go DSN); unset = embedded H2");
  public static final ConfigKey MYSQL_HOST = key("mysql.host", List.of("MICHAT_MYSQL_HOST"),
      List.of(), "MySQL host, when not given through mysql.url");
  public static final ConfigKey MYSQL_PORT = key("mysql.port", List.of("MICHAT_MYSQL_PORT"),
      List.of(), "MySQL port");
  public static final ConfigKey MYSQL_DATABASE = key("mysql.database", List.of("MICHAT_MYSQL_DATABASE"),
      List.of("mysql.db"), "MySQL database (created if missing and allowed)");
  public static final ConfigKey MYSQL_USER = key("mysql.user", List.of("MICHAT_MYSQL_USER"),
      List.of("mysql.username"), "MySQL user");
  public static final ConfigKey MYSQL_PASSWORD = key("mysql.password", List.of("MICHAT_MYSQL_PASSWORD"),
      List.of(), "MySQL password");
  public static final ConfigKey MYSQL_POOL_SIZE = key("mysql.poolSize", List.of("MICHAT_MYSQL_POOL_SIZE"),
      List.of(), "SQL connections per pool");

  public static final ConfigKey REDIS_URL = key("redis.url", List.of("MICHAT_REDIS_URL"),
      List.of("redis.addr"), "Redis as redis://[:password@]host:port[/db] (or the original's host:port); unset = in-JVM presence");
  public static final ConfigKey REDIS_PASSWORD = key("redis.password", List.of("MICHAT_REDIS_PASSWORD"),
      List.of(), "Redis password when redis.url/redis.addr carries none");
  public static final ConfigKey REDIS_DB = key("redis.db", List.of("MICHAT_REDIS_DB"),
      List.of("redis.DB"), "Redis database number when redis.url/redis.addr carries none");

  public static final ConfigKey TOKEN_SECRET = key("token.secret", List.of("MICHAT_TOKEN_SECRET"),
      List.of(), "HMAC secret signing session tokens: at least 32 bytes, random (example values from the repository and guessable ones are refused); generated under data.dir when unset on the embedded default");
  public static final ConfigKey TOKEN_TTL_HOURS = key("token.ttlHours", List.of("MICHAT_TOKEN_TTL_HOURS"),
      List.of(), "lifetime of a session token in hours");
  public static final ConfigKey PASSWORD_ITERATIONS = key("password.iterations",
      List.of("MICHAT_PASSWORD_ITERATIONS"), List.of(),
      "PBKDF2-HMAC-SHA256 iterations for new password hashes (existing hashes keep theirs)");
  public static final ConfigKey PASSWORD_HASH_THREADS = key("password.hashThreads",
      List.of("MICHAT_PASSWORD_HASH_THREADS"), List.of(),
      "threads that hash and verify passwords (a dedicated pool; the rest of the CPU stays with chat)");
  public static final ConfigKey PASSWORD_HASH_QUEUE = key("password.hashQueue",
      List.of("MICHAT_PASSWORD_HASH_QUEUE"), List.of(),
      "password jobs waiting at most, in total (503 with Retry-After beyond)");
  public static final ConfigKey PASSWORD_HASH_QUEUE_PER_ADDRESS = key("password.hashQueuePerAddress",
      List.of("MICHAT_PASSWORD_HASH_QUEUE_PER_ADDRESS"), List.of(),
      "password jobs waiting at most from one client address (503 with Retry-After beyond)");
  public static final ConfigKey THROTTLE_ACCOUNT_FREE_FAILURES = key("throttle.accountFreeFailures",
      List.of("MICHAT_THROTTLE_ACCOUNT_FREE_FAILURES"), List.of(),
      "failed logins of one account name before it is locked (a success resets the count)");
  public static final ConfigKey THROTTLE_ADDRESS_FREE_FAILURES = key("throttle.addressFreeFailures",
      List.of("MICHAT_THROTTLE_ADDRESS_FREE_FAILURES"), List.of(),
      "failed logins and refused registrations from one client address before it is locked");
  public static final ConfigKey THROTTLE_FIRST_LOCK_SECONDS = key("throttle.firstLockSeconds",
      List.of("MICHAT_THROTTLE_FIRST_LOCK_SECONDS"), List.of(),
      "the first lock; each further failure doubles it");
  public static final ConfigKey THROTTLE_MAX_LOCK_SECONDS = key("throttle.maxLockSeconds",
      List.of("MICHAT_THROTTLE_MAX_LOCK_SECONDS"), List.of(), "the longest lock");
  public static final ConfigKey THROTTLE_MAX_ENTRIES = key("throttle.maxEntries",
      List.of("MICHAT_THROTTLE_MAX_ENTRIES"), List.of(),
      "account names and addresses remembered each (least recently seen forgotten first)");

  public static final ConfigKey HEARTBEAT_FIRST_SWEEP = key("heartbeat.firstSweepSeconds",
      List.of("MICHAT_HEARTBEAT_FIRST_SWEEP_SECONDS"), List.of("timeout.DelayHeartbeat"),
      "seconds before the first idle-connection sweep");
  public static final ConfigKey HEARTBEAT_SWEEP = key("heartbeat.sweepSeconds",
      List.of("MICHAT_HEARTBEAT_SWEEP_SECONDS"), List.of("timeout.HeartbeatHz"),
      "seconds between idle-connection sweeps");
  public static final ConfigKey HEARTBEAT_MAX_IDLE = key("heartbeat.maxIdleSeconds",
      List.of("MICHAT_HEARTBEAT_MAX_IDLE_SECONDS"), List.of("timeout.HeartbeatMaxTime"),
      "a connection silent for longer is closed");
  public static final ConfigKey ONLINE_TTL_HOURS = key("presence.onlineTtlHours",
      List.of("MICHAT_PRESENCE_ONLINE_TTL_HOURS"), List.of("timeout.RedisOnlineTime"),
      "TTL of the online_<userId> entry in hours");

  public static final ConfigKey NODE_ID = key("node.id", List.of("MICHAT_NODE_ID"),
      List.of(), "this JVM's name on the event bus (gateway.<node.id>.deliver); generated when unset");
  public static final ConfigKey MESSAGE_MAX_CONTENT_BYTES = key("message.maxContentBytes",
      List.of("MICHAT_MESSAGE_MAX_CONTENT_BYTES"), List.of(), "largest message Content in UTF-8 bytes (at most 4096)");
  public static final ConfigKey GATEWAY_MAX_QUEUED_FRAMES = key("gateway.maxQueuedFrames",
      List.of("MICHAT_GATEWAY_MAX_QUEUED_FRAMES"), List.of(),
      "frames held for a connection that reads too slowly before it is closed (4001)");
  public static final ConfigKey GATEWAY_MAX_FRAME_BYTES = key("gateway.maxFrameBytes",
      List.of("MICHAT_GATEWAY_MAX_FRAME_BYTES"), List.of(),
      "largest WebSocket frame (and message) a client may send; larger closes the connection with 1009");
  public static final ConfigKey GATEWAY_MESSAGES_PER_SECOND = key("gateway.messagesPerSecond",
      List.of("MICHAT_GATEWAY_MESSAGES_PER_SECOND"), List.of(),
      "chat messages a connection may send per second, sustained (token bucket; heartbeats are free)");
  public static final ConfigKey GATEWAY_MESSAGE_BURST = key("gateway.messageBurst",
      List.of("MICHAT_GATEWAY_MESSAGE_BURST"), List.of(), "chat messages a connection may send at once");
  public static final ConfigKey GATEWAY_MAX_CONNECTIONS_PER_USER = key("gateway.maxConnectionsPerUser",
      List.of("MICHAT_GATEWAY_MAX_CONNECTIONS_PER_USER"), List.of(), "chat connections of one user on one node");
  public static final ConfigKey GATEWAY_MAX_CONNECTIONS_PER_IP = key("gateway.maxConnectionsPerIp",
      List.of("MICHAT_GATEWAY_MAX_CONNECTIONS_PER_IP"), List.of(),
      "chat connections from one IP address on one node; 0 = no limit (behind a proxy every client has its address)");
  public static final ConfigKey GROUP_MAX_MEMBERS = key("group.maxMembers", List.of("MICHAT_GROUP_MAX_MEMBERS"),
      List.of(), "members a group may have");
  public static final ConfigKey CATCH_UP_LIMIT = key("router.catchUpLimit", List.of("MICHAT_ROUTER_CATCH_UP_LIMIT"),
      List.of(), "most missed messages sent on connect (older ones stay in history)");
  public static final ConfigKey CATCH_UP_CONCURRENCY = key("router.catchUpConcurrency",
      List.of("MICHAT_ROUTER_CATCH_UP_CONCURRENCY"), List.of(),
      "catch-ups (backlogs of connecting sessions) a router answers at once; the others wait in order");
  public static final ConfigKey STORE_BATCH_MAX = key("router.storeBatchMax", List.of("MICHAT_ROUTER_STORE_BATCH_MAX"),
      List.of(), "most messages stored in one transaction");
  public static final ConfigKey STORE_CONCURRENCY = key("router.storeConcurrency",
      List.of("MICHAT_ROUTER_STORE_CONCURRENCY"), List.of(), "store transactions a router runs at once");
  public static final ConfigKey STORE_MAX_WAITING = key("router.storeMaxWaiting",
      List.of("MICHAT_ROUTER_STORE_MAX_WAITING"), List.of(),
      "messages a router holds waiting for a store transaction; more are refused (unavailable) at once");
  public static final ConfigKey STORE_MAX_WAITING_BYTES = key("router.storeMaxWaitingBytes",
      List.of("MICHAT_ROUTER_STORE_MAX_WAITING_BYTES"), List.of(),
      "bytes of message frames a router holds waiting for a store transaction; more are refused (unavailable) at once");
  public static final ConfigKey STORAGE_CALL_TIMEOUT_MS = key("storage.callTimeoutMs",
      List.of("MICHAT_STORAGE_CALL_TIMEOUT_MS"), List.of(),
      "a MySQL/MariaDB query or transaction unanswered for longer fails (the write may still be carried out) and the"
          + " database is probed");
  public static final ConfigKey REDIS_CALL_TIMEOUT_MS = key("redis.callTimeoutMs",
      List.of("MICHAT_REDIS_CALL_TIMEOUT_MS"), List.of(),
      "a presence call to Redis unanswered for longer fails and Redis is probed");
  public static final ConfigKey DEPENDENCY_MAX_FAILURES = key("dependency.maxFailures",
      List.of("MICHAT_DEPENDENCY_MAX_FAILURES"), List.of(),
      "calls to MariaDB or Redis failing without an answer within 10 s that open its breaker (calls then refused at once)");
  public static final ConfigKey DEPENDENCY_PROBE_INTERVAL_MS = key("dependency.probeIntervalMs",
      List.of("MICHAT_DEPENDENCY_PROBE_INTERVAL_MS"), List.of(),
      "how often a dependency whose breaker is open is probed (the first answer closes it); also how long a probe"
          + " after a failed call may take before the dependency counts as down");
  public static final ConfigKey DEPENDENCY_REPORT_INTERVAL_SECONDS = key("dependency.reportIntervalSeconds",
      List.of("MICHAT_DEPENDENCY_REPORT_INTERVAL_SECONDS"), List.of(),
      "while a dependency is down, one log line this often with what it cost so far");

  public static final ConfigKey UPLOAD_MAX_BYTES = key("upload.maxBytes", List.of("MICHAT_UPLOAD_MAX_BYTES"),
      List.of(), "largest accepted upload in bytes");
  public static final ConfigKey UPLOAD_MAX_IN_FLIGHT = key("upload.maxInFlightPerUser",
      List.of("MICHAT_UPLOAD_MAX_IN_FLIGHT_PER_USER"), List.of(),
      "uploads one user may send at once on one node; more are answered 429");
  public static final ConfigKey HTTP_BODY_LIMIT = key("http.bodyLimitBytes", List.of("MICHAT_HTTP_BODY_LIMIT_BYTES"),
      List.of(), "largest accepted request body (other than uploads) in bytes");
  public static final ConfigKey HTTP_ALLOWED_ORIGINS = key("http.allowedOrigins", List.of("MICHAT_HTTP_ALLOWED_ORIGINS"),
      List.of(), "origins (scheme://host[:port], comma-separated) whose pages may send cookie-authenticated requests and"
          + " open the chat WebSocket; empty = the request's own host only");
  public static final ConfigKey HTTP_TRUSTED_PROXIES = key("http.trustedProxies", List.of("MICHAT_HTTP_TRUSTED_PROXIES"),
      List.of(), "proxies (IP addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client that"
          + " password throttling goes by; empty = the peer's own address");
  public static final ConfigKey MEDIA_EXTERNAL_URLS = key("media.externalUrls", List.of("MICHAT_MEDIA_EXTERNAL_URLS"),
      List.of(), "https hosts (comma-separated, or * for any) whose URLs avatars, group icons and messages may use;"
          + " empty = only files under /asset/ on this server");
  public static final ConfigKey HTTP_HEADER_TIMEOUT = key("http.requestHeaderTimeoutSeconds",
      List.of("MICHAT_HTTP_REQUEST_HEADER_TIMEOUT_SECONDS"), List.of(),
      "seconds a client has to send a request's headers, from the request's first byte (from connecting, for the first); then the connection is closed");
  public static final ConfigKey HTTP_BODY_TIMEOUT = key("http.requestBodyTimeoutSeconds",
      List.of("MICHAT_HTTP_REQUEST_BODY_TIMEOUT_SECONDS"), List.of(),
      "longest silence of a client while its request body is read; then the connection is closed");
  public static final ConfigKey HTTP_IDLE_TIMEOUT = key("http.idleTimeoutSeconds",
      List.of("MICHAT_HTTP_IDLE_TIMEOUT_SECONDS"), List.of(),
      "a kept-alive HTTP connection without a request for longer is closed (WebSockets are timed by heartbeat.maxIdleSeconds)");
  public static final ConfigKey HTTP_MAX_CONNECTIONS_PER_IP = key("http.maxConnectionsPerIp",
      List.of("MICHAT_HTTP_MAX_CONNECTIONS_PER_IP"), List.of(),
      "plain HTTP connections from one IP address on one node, until they upgrade to a WebSocket; more are closed at once; 0 = no limit (behind a proxy)");
  public static final ConfigKey LOG_LEVEL = key("log.level", List.of("MICHAT_LOG_LEVEL"),
      List.of(), "root log level: TRACE, DEBUG, INFO, WARN or ERROR");

  public static final ConfigKey METRICS_ENABLED = key("metrics.enabled", List.of("MICHAT_METRICS_ENABLED"),
      List.of(), "Prometheus metrics at GET /metrics: on the management port when set, else on the HTTP port for loopback clients only");
  public static final ConfigKey MANAGEMENT_PORT = key("management.port", List.of("MICHAT_MANAGEMENT_PORT"),
      List.of(), "port of a separate operations listener (/metrics, /health, /ready), one per JVM; unset = none"
          + " (/metrics then stays on the HTTP port, for loopback clients only); 0 = any free port");
  public static final ConfigKey MANAGEMENT_HOST = key("management.host", List.of("MICHAT_MANAGEMENT_HOST"),
      List.of(), "interface the management listener binds to (0.0.0.0 on Kubernetes, behind a NetworkPolicy)");
  public static final ConfigKey BENCH_SEED_SECRET = key("bench.seedSecret", List.of("MICHAT_BENCH_SEED_SECRET"),
      List.of(), "enables POST /admin/bench-seed (bulk users, friends and groups for the load generator) for callers"
          + " presenting this secret (at least 32 characters); unset = the route does not exist");
  public static final ConfigKey SERVICE_ACCOUNTS = key("services.accounts", List.of("MICHAT_SERVICE_ACCOUNTS"),
      List.of(), "names of the accounts (comma-separated) that other services log in with and that may read every"
          + " user's messages (the michat.v1 stream's catch-up) and presence; unset = none may");

  public static final List<ConfigKey> ALL = List.of(HTTP_PORT, HTTP_HOST, DATA_DIR, ROLES, CLUSTER,
      CLUSTER_MANAGER, CLUSTER_NAME, CLUSTER_DISCOVERY, CLUSTER_MEMBERS, CLUSTER_HOST, CLUSTER_PORT, CLUSTER_EVENT_BUS_PORT,
      CLUSTER_EVENT_BUS_PUBLIC_PORT,
      CLUSTER_KUBERNETES_SERVICE, CLUSTER_MULTICAST_GROUP, CLUSTER_TLS_KEY_STORE, CLUSTER_TLS_KEY_STORE_PASSWORD,
      CLUSTER_TLS_CERT_FILE, CLUSTER_TLS_KEY_FILE, CLUSTER_TLS_TRUST_FILE, CLUSTER_TLS_TRUST_PASSWORD,
      MYSQL_URL, MYSQL_HOST, MYSQL_PORT, MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD, MYSQL_POOL_SIZE,
      REDIS_URL, REDIS_PASSWORD, REDIS_DB, TOKEN_SECRET, TOKEN_TTL_HOURS, PASSWORD_ITERATIONS,
      PASSWORD_HASH_THREADS, PASSWORD_HASH_QUEUE, PASSWORD_HASH_QUEUE_PER_ADDRESS, THROTTLE_ACCOUNT_FREE_FAILURES,
      THROTTLE_ADDRESS_FREE_FAILURES, THROTTLE_FIRST_LOCK_SECONDS, THROTTLE_MAX_LOCK_SECONDS, THROTTLE_MAX_ENTRIES,
      HEARTBEAT_FIRST_SWEEP, HEARTBEAT_SWEEP, HEARTBEAT_MAX_IDLE, ONLINE_TTL_HOURS,
      NODE_ID, MESSAGE_MAX_CONTENT_BYTES, GATEWAY_MAX_QUEUED_FRAMES, GATEWAY_MAX_FRAME_BYTES,
      GATEWAY_MESSAGES_PER_SECOND, GATEWAY_MESSAGE_BURST, GATEWAY_MAX_CONNECTIONS_PER_USER,
      GATEWAY_MAX_CONNECTIONS_PER_IP, GROUP_MAX_MEMBERS, CATCH_UP_LIMIT, CATCH_UP_CONCURRENCY,
      STORE_BATCH_MAX, STORE_CONCURRENCY, STORE_MAX_WAITING, STORE_MAX_WAITING_BYTES, STORAGE_CALL_TIMEOUT_MS,
      REDIS_CALL_TIMEOUT_MS, DEPENDENCY_MAX_FAILURES, DEPENDENCY_PROBE_INTERVAL_MS, DEPENDENCY_REPORT_INTERVAL_SECONDS,
      UPLOAD_MAX_BYTES, UPLOAD_MAX_IN_FLIGHT, HTTP_BODY_LIMIT,
      HTTP_HEADER_TIMEOUT, HTTP_BODY_TIMEOUT, HTTP_IDLE_TIMEOUT, HTTP_MAX_CONNECTIONS_PER_IP, HTTP_ALLOWED_ORIGINS,
      HTTP_TRUSTED_PROXIES, MEDIA_EXTERNAL_URLS, LOG_LEVEL, METRICS_ENABLED,
      MANAGEMENT_PORT, MANAGEMENT_HOST, BENCH_SEED_SECRET, SERVICE_ACCOUNTS);

  private static ConfigKey key(String name, List<String> env, List<String> aliases, String description) {
    return new ConfigKey(name, env, aliases, description);
  }
}
