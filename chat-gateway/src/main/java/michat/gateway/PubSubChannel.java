package michat.gateway;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import michat.contract.PresenceApi.ChannelPost;
import michat.ginchat.GinchatText;

/**
 * The ginchat pub/sub demo socket {@code /user/sendMsg}: every post of the channel goes to every such
 * socket of this instance. Unauthenticated, as in the original: only the per-address limit applies.
 */
final class PubSubChannel {
  private final ConnectionLimits limits;
  private final Set<ServerWebSocket> sockets = new HashSet<>();

  PubSubChannel(ConnectionLimits limits) {
    this.limits = limits;
  }

  void connect(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().setStatusCode(400).end("WebSocket upgrade expected");
      return;
    }
    String[] keys = ConnectionLimits.keys(ctx.request().remoteAddress().hostAddress());
    String refused = limits.acquire(keys);
    if (refused != null) {
      Refusals.send(ctx.request(), Frames.TOO_MANY, GinchatText.TOO_MANY_CONNECTIONS + " " + refused);
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(ws -> {
          sockets.add(ws);
          ws.closeHandler(v -> {
            sockets.remove(ws);
            limits.release(keys);
          });
          ws.textMessageHandler(ignored -> { });
        })
        .onFailure(err -> limits.release(keys));
  }

  void post(ChannelPost post) {
    String text = Frames.channel(String.valueOf(post.payload()), LocalDateTime.now());
    for (ServerWebSocket ws : new ArrayList<>(sockets)) {
      if (ws.writeQueueFull()) {
        ws.close(Frames.CLOSE_TOO_SLOW, "too slow");
      } else {
        ws.writeTextMessage(text);
      }
    }
  }

  void closeAll() {
    sockets.forEach(ws -> ws.close(Frames.CLOSE_GOING_AWAY, "server shutting down"));
  }
}
