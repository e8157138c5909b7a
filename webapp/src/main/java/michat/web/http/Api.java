package michat.web.http;

import io.vertx.core.Handler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Registers the ginchat REST routes: POST, inputs from query, form or JSON, a bounded body. It
 * remembers each route's response shape so that a failure, even a rejected body, is answered in it.
 */
public final class Api {
  private final Router router;
  private final BodyHandler smallBody;
  private final Map<String, Shape> shapes = new ConcurrentHashMap<>();

  public Api(Router router, long bodyLimit) {
    this.router = router;
    this.smallBody = BodyHandler.create(false).setBodyLimit(bodyLimit);
  }

  public void post(String path, Shape shape, Handler<RoutingContext> handler) {
    post(path, shape, smallBody, handler);
  }

  public void post(String path, Shape shape, BodyHandler body, Handler<RoutingContext> handler) {
    shapes.put(path, shape);
    router.post(path).handler(body).handler(handler);
  }

  /**
   * A route whose {@code admit} step runs before its body is read (and must pause the request if it
   * is asynchronous). A route of its own: vertx-web puts a route's body handler before its other handlers.
   */
  public void post(String path, Shape shape, Handler<RoutingContext> admit, BodyHandler body, Handler<RoutingContext> handler) {
    router.post(path).handler(admit);
    post(path, shape, body, handler);
  }

  /** Whether {@code path} is a ginchat REST route (whose errors are answered with HTTP 200, see {@link Replies}). */
  public boolean isRoute(String path) {
    return path != null && shapes.containsKey(path);
  }

  /** The shape of the route at {@code path}; H for pages and unknown paths. */
  public Shape shapeOf(String path) {
    return path == null ? Shape.RESULT : shapes.getOrDefault(path, Shape.RESULT);
  }
}
