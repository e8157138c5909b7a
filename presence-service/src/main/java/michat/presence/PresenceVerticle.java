package michat.presence;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.ArrayList;
import java.util.List;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.RedisSettings;
import michat.contract.Done;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.Connect;
import michat.contract.PresenceApi.Disconnect;
import michat.contract.PresenceApi.Disconnected;
import michat.contract.PresenceApi.Heartbeat;
import michat.contract.PresenceApi.Locate;
import michat.contract.PresenceApi.Locations;
import michat.contract.PresenceApi.NodeAlive;
import michat.contract.PresenceApi.NodeKnown;
import michat.contract.PresenceApi.Online;
import michat.contract.PresenceApi.OnlineQuery;
import michat.contract.ServiceBus;
import michat.dependency.DependencyFailure;
import michat.dependency.DependencyGuard;
import michat.metrics.MichatMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * presence-service: the event-bus API over a {@link PresenceStore} — Redis when configured, else
 * Vert.x shared data — and the sweep that forgets the sessions of dead gateway nodes.
 */
public class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  static final long REAP_INTERVAL_MS = 5_000;
  /** Redis's name in outage logs and metrics ({@code michat_dependency_up{dependency="redis"}}). */
  public static final String REDIS = "redis";

  private PresenceStore store;
  private long reaper;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    long ttl = cfg.number(ConfigKeys.ONLINE_TTL_HOURS, 1, 24L * 365) * 3600;
    // Redis behind a breaker: while it does not answer, presence refuses at once (routers then push to
    // every gateway node) and the outage is logged once; shared data lives in this process.
    store = RedisSettings.from(cfg)
        .<PresenceStore>map(r -> new GuardedPresenceStore(new RedisPresenceStore(vertx, r.connectionString(), ttl),
            DependencyGuard.acquire(vertx, REDIS, DependencyGuard.Settings.from(cfg, ConfigKeys.REDIS_CALL_TIMEOUT_MS),
                err -> err instanceof ErrorType, MichatMetrics.of(cfg))))   // an error reply is Redis answering
        .orElseGet(() -> new SharedDataPresenceStore(vertx, ttl));

    ServiceBus bus = ServiceBus.of(vertx);
    consumers.add(bus.serve(PresenceApi.CONNECT, this::connect, LOG));
    consumers.add(bus.serve(PresenceApi.DISCONNECT, this::disconnect, LOG));
    consumers.add(bus.serve(PresenceApi.HEARTBEAT, this::heartbeat, LOG));
    consumers.add(bus.serve(PresenceApi.NODE_ALIVE, this::nodeAlive, LOG));
    consumers.add(bus.serve(PresenceApi.LOCATE, this::locate, LOG));
    consumers.add(bus.serve(PresenceApi.ONLINE, this::online, LOG));
    reaper = vertx.setPeriodic(REAP_INTERVAL_MS, id -> store.reapDeadNodes()
        .onFailure(err -> {
          if (!(err instanceof DependencyFailure)) {   // an outage is logged once, by its guard
            LOG.warn("presence sweep of dead nodes failed: {}", err.getMessage());
          }
        }));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reaper);
    store.close();
    return Future.succeededFuture();
  }

  private Future<Done> connect(Connect req) {
    return store.connect(req.userId(), req.nodeId(), req.sessionId()).map(Done.DONE);
  }

  private Future<Disconnected> disconnect(Disconnect req) {
    return store.disconnect(req.userId(), req.nodeId(), req.sessionId()).map(Disconnected::new);
  }

  private Future<Done> heartbeat(Heartbeat req) {
    return store.heartbeat(req.userIds(), req.nodeId()).map(Done.DONE);
  }

  private Future<NodeKnown> nodeAlive(NodeAlive req) {
    return store.nodeAlive(req.nodeId(), req.instanceId()).map(NodeKnown::new);
  }

  private Future<Locations> locate(Locate req) {
    return store.locate(req.userIds()).map(Locations::new);
  }

  private Future<Online> online(OnlineQuery req) {
    return store.locate(req.userIds())
        .map(byNode -> new Online(byNode.values().stream().flatMap(List::stream).distinct().sorted().toList()));
  }
}
