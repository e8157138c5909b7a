package michat.web.http;

import io.netty.util.NetUtil;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Serves a route only to clients on this host; anyone else is passed on to the next route, so the
 * route looks as if it did not exist (404). Used for /metrics on the application port when no
 * management port is set: the bench and a local Prometheus read it, the Internet does not.
 */
public final class LoopbackOnly implements Handler<RoutingContext> {
  /** What reverse proxies add to say whom they forward for (standard, de facto, nginx's habit). */
  private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

  private final Handler<RoutingContext> handler;

  public LoopbackOnly(Handler<RoutingContext> handler) {
    this.handler = handler;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (admits(ctx.request())) {
      handler.handle(ctx);
    } else {
      ctx.next();
    }
  }

  /**
   * The connection comes from a loopback address and carries no forwarding header: a reverse proxy on
   * the same host connects from loopback for every visitor, and the header is how it says so.
   */
  public static boolean admits(HttpServerRequest req) {
    return isLoopback(req.remoteAddress()) && FORWARDING_HEADERS.stream().noneMatch(req.headers()::contains);
  }

  /** Only an IP literal counts (never a name to resolve); a Unix domain socket does not. */
  static boolean isLoopback(SocketAddress address) {
    String ip = address == null ? null : address.hostAddress();
    byte[] bytes = ip == null ? null : NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      return false;
    }
    try {
      return InetAddress.getByAddress(bytes).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
