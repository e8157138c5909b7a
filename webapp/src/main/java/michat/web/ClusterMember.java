package michat.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import michat.config.MichatConfig;

/**
 * How another service's JVM joins michat's cluster (examples/notifier): as a member without roles,
 * with the settings and credentials michat's own JVMs use ({@code cluster.*}, {@code cluster.tls.*},
 * docs/deploy.md), through the same code, so that a service cannot join differently — and without the
 * credentials it cannot join at all. A setting that is missing or wrong fails the future with a
 * {@link michat.config.ConfigException} naming it.
 */
public final class ClusterMember {
  private ClusterMember() {}

  public static Future<Vertx> join(MichatConfig cfg) {
    try {
      return ClusterSupport.start(cfg, new VertxOptions()).map(ClusterSupport.Node::vertx);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
