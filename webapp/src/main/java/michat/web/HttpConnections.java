package michat.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.shareddata.LocalMap;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every plain HTTP connection of this JVM's server gets when it opens: at most
 * {@code http.maxConnectionsPerIp} of them per client address (counted node-wide, over all HTTP
 * instances), and the timeouts of {@link HttpConnectionGuard}. A connection upgraded to a WebSocket
 * leaves both: the gateway's own per-address limit and heartbeat sweep take over.
 *
 * <p>A connection beyond the limit is closed at once rather than answered 429: answering means
 * reading a request first, which is exactly what a slow client never finishes, so the socket would be
 * held for a header timeout anyway.
 */
final class HttpConnections {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConnections.class);
  /** Netty's name of Vert.x's HTTP/1.x request decoder: its presence marks an HTTP/1.x pipeline. */
  private static final String DECODER = "httpDecoder";

  private final LocalMap<String, Integer> perAddress;
  private final int maxPerAddress;
  private final long headerMs;
  private final long bodyMs;
  private final long idleMs;

  HttpConnections(Vertx vertx, MichatConfig cfg) {
    this.perAddress = vertx.sharedData().getLocalMap("michat.http.connections");
    this.maxPerAddress = cfg.integer(ConfigKeys.HTTP_MAX_CONNECTIONS_PER_IP, 0, 10_000_000);
    this.headerMs = cfg.number(ConfigKeys.HTTP_HEADER_TIMEOUT, 1, 86_400) * 1000;
    this.bodyMs = cfg.number(ConfigKeys.HTTP_BODY_TIMEOUT, 1, 86_400) * 1000;
    this.idleMs = cfg.number(ConfigKeys.HTTP_IDLE_TIMEOUT, 1, 86_400) * 1000;
  }

  /** The server's connection handler: runs on the connection's event loop before anything is read. */
  void opened(HttpConnection connection) {
    if (!(connection instanceof HttpServerConnection internal)
        || internal.channelHandlerContext().pipeline().get(DECODER) == null) {
      return;   // not HTTP/1.x (the server has no HTTP/2 without TLS, and no TLS)
    }
    String address = connection.remoteAddress().hostAddress();
    if (perAddress.merge(address, 1, Integer::sum) > maxPerAddress && maxPerAddress > 0) {
      release(address);
      LOG.debug("HTTP connection from {} closed: more than {} from one address", address, maxPerAddress);
      connection.close();
      return;
    }
    new HttpConnectionGuard(headerMs, bodyMs, idleMs, () -> release(address))
        .install(internal.channelHandlerContext(), DECODER);
  }

  private void release(String address) {
    perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }
}
