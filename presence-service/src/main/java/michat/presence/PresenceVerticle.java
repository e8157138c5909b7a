package michat.presence;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.config.RedisSettings;
import michat.model.Addresses;
import michat.model.ServiceConsumers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * presence-service: the event-bus API over a {@link PresenceStore} — Redis when configured, else
 * Vert.x shared data — and the sweep that forgets the sessions of dead gateway nodes.
 */
public class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  static final long REAP_INTERVAL_MS = 5_000;

  private PresenceStore store;
  private long reaper;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  @Override
  public Future<?> start() {
    MichatConfig cfg = MichatConfig.of(config());
    long ttl = cfg.number(ConfigKeys.ONLINE_TTL_HOURS, 1, 24L * 365) * 3600;
    store = RedisSettings.from(cfg)
        .<PresenceStore>map(r -> new RedisPresenceStore(vertx, r.connectionString(), ttl))
        .orElseGet(() -> new SharedDataPresenceStore(vertx, ttl));

    serve(Addresses.PRESENCE_CONNECT, req -> store.connect(req.getLong("userId"), req.getString("nodeId"),
        req.getString("sessionId")).map(new JsonObject()));
    serve(Addresses.PRESENCE_DISCONNECT, req -> store.disconnect(req.getLong("userId"), req.getString("nodeId"),
        req.getString("sessionId")).map(offline -> new JsonObject().put("offline", offline)));
    serve(Addresses.PRESENCE_HEARTBEAT, req -> store.heartbeat(ids(req), req.getString("nodeId"))
        .map(new JsonObject()));
    serve(Addresses.PRESENCE_NODE_ALIVE, req -> store.nodeAlive(req.getString("nodeId"), req.getString("instanceId", ""))
        .map(known -> new JsonObject().put("known", known)));
    serve(Addresses.PRESENCE_LOCATE, this::locate);
    serve(Addresses.PRESENCE_ONLINE, this::online);
    reaper = vertx.setPeriodic(REAP_INTERVAL_MS, id -> store.reapDeadNodes()
        .onFailure(err -> LOG.warn("presence sweep of dead nodes failed: {}", err.getMessage())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reaper);
    store.close();
    return Future.succeededFuture();
  }

  private void serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(ServiceConsumers.serve(vertx, address, handler, LOG));
  }

  private Future<JsonObject> locate(JsonObject req) {
    return store.locate(ids(req)).map(byNode -> {
      JsonObject nodes = new JsonObject();
      byNode.forEach((node, users) -> nodes.put(node, new JsonArray(new ArrayList<>(users))));
      return new JsonObject().put("nodes", nodes);
    });
  }

  private Future<JsonObject> online(JsonObject req) {
    return store.locate(ids(req)).map(byNode -> {
      JsonArray online = new JsonArray();
      byNode.values().stream().flatMap(List::stream).distinct().sorted().forEach(online::add);
      return new JsonObject().put("online", online);
    });
  }

  private static List<Long> ids(JsonObject req) {
    JsonArray list = req.getJsonArray("userIds", new JsonArray());
    List<Long> ids = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      ids.add(list.getLong(i));
    }
    return ids;
  }
}
