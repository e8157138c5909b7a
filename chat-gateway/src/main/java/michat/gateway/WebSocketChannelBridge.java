package michat.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import michat.config.MichatConfig;
import michat.config.RedisSettings;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.ChannelPost;
import michat.contract.ServiceBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ginchat pub/sub demo channel: one Redis SUBSCRIBE to {@code websocket} per gateway node (not
 * one per socket, as the original did), each payload republished node-locally on
 * {@link PresenceApi#CHANNEL} for this node's {@code /user/sendMsg} sockets. Reconnects with
 * back-off when Redis goes away. Without Redis there is nothing to bridge: publishing on the event-bus
 * address directly is the embedded equivalent.
 */
public class WebSocketChannelBridge extends VerticleBase {
  public static final String CHANNEL = "websocket";
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketChannelBridge.class);
  private static final long MAX_BACKOFF_MS = 10_000;

  private ServiceBus bus;
  private Redis client;
  private RedisConnection connection;
  private boolean stopped;
  private long backoffMs = 250;

  @Override
  public Future<?> start() {
    RedisSettings settings = RedisSettings.from(MichatConfig.of(config())).orElse(null);
    if (settings == null) {
      return Future.succeededFuture();
    }
    bus = ServiceBus.of(vertx);
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(settings.connectionString()));
    return subscribe();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.close();
    }
    return Future.succeededFuture();
  }

  private Future<Void> subscribe() {
    return client.connect().compose(conn -> {
      connection = conn;
      conn.handler(this::onPush);
      conn.exceptionHandler(err -> lost(conn, "error: " + err.getMessage()));
      conn.endHandler(v -> lost(conn, "connection closed"));
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).<Void>mapEmpty();
    }).onSuccess(v -> {
      backoffMs = 250;
      LOG.info("subscribed to Redis channel '{}' for /user/sendMsg", CHANNEL);
    });
  }

  private void onPush(Response push) {
    if (push.type() == ResponseType.PUSH || push.type() == ResponseType.MULTI) {
      if (push.size() == 3 && "message".equals(push.get(0).toString()) && CHANNEL.equals(push.get(1).toString())) {
        bus.publishLocally(PresenceApi.CHANNEL, new ChannelPost(push.get(2).toString()));
      }
    }
  }

  /** Only the current connection's loss counts: an error followed by its close reconnects once. */
  private void lost(RedisConnection conn, String why) {
    if (connection == conn) {
      reconnect(why);
    }
  }

  private void reconnect(String why) {
    if (stopped) {
      return;
    }
    connection = null;
    LOG.warn("Redis subscription to '{}' lost ({}); retrying in {} ms", CHANNEL, why, backoffMs);
    vertx.setTimer(backoffMs, id -> subscribe().onFailure(err -> reconnect("reconnect failed: " + err.getMessage())));
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  }
}
