package michat.web;

import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.cluster.infinispan.InfinispanClusterManager;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.JChannel;
import org.jgroups.stack.IpAddress;

/**
 * Vert.x's Infinispan cluster manager on a JGroups channel michat builds itself
 * ({@link InfinispanSupport}) instead of one read from XML files. The caches are those of
 * vertx-infinispan's default configuration. Vert.x does not start or stop a cache manager it was
 * handed, so this does: the channel connects and the caches start when Vert.x joins, and both stop
 * after it left.
 */
final class MichatInfinispanClusterManager extends InfinispanClusterManager {
  private final JChannel channel;
  private final String clusterName;
  private final DefaultCacheManager caches;
  private Vertx vertx;

  MichatInfinispanClusterManager(JChannel channel, String clusterName) {
    this(channel, clusterName, caches(channel, clusterName));
  }

  private MichatInfinispanClusterManager(JChannel channel, String clusterName, DefaultCacheManager caches) {
    super(caches);
    this.channel = channel;
    this.clusterName = clusterName;
    this.caches = caches;
  }

  /** The caches vertx-infinispan's default-infinispan.xml declares, on the given channel. */
  private static DefaultCacheManager caches(JChannel channel, String clusterName) {
    GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
    global.classLoader(MichatInfinispanClusterManager.class.getClassLoader());
    global.transport().clusterName(clusterName).transport(new JGroupsTransport(channel));
    global.defaultCacheName("distributed-cache");
    ConfigurationBuilderHolder holder = new ConfigurationBuilderHolder(
        MichatInfinispanClusterManager.class.getClassLoader(), global);
    holder.newConfigurationBuilder("distributed-cache").clustering().cacheMode(CacheMode.DIST_SYNC);
    for (String replicated : new String[] {"__vertx.subs", "__vertx.haInfo", "__vertx.nodeInfo"}) {
      holder.newConfigurationBuilder(replicated).clustering().cacheMode(CacheMode.REPL_SYNC);
    }
    holder.newConfigurationBuilder("__vertx.distributed.cache.configuration").template(true)
        .clustering().cacheMode(CacheMode.DIST_SYNC);
    return new DefaultCacheManager(holder, false);
  }

  @Override
  public void init(Vertx vertx) {
    this.vertx = vertx;
    super.init(vertx);
  }

  @Override
  public void join(Completable<Void> done) {
    vertx.executeBlocking(this::connect, false)
        .onSuccess(connected -> super.join(done))
        .onFailure(done::fail);
  }

  @Override
  public void leave(Completable<Void> done) {
    Future.<Void>future(super::leave)
        .eventually(() -> vertx.executeBlocking(this::disconnect, false))
        .onComplete(done);
  }

  /** The member's own address on the JGroups transport, e.g. for the start-up line. */
  IpAddress memberAddress() {
    return (IpAddress) channel.down(new org.jgroups.Event(org.jgroups.Event.GET_PHYSICAL_ADDRESS, channel.getAddress()));
  }

  private Void connect() throws Exception {
    try {
      channel.connect(clusterName);
      caches.start();
      return null;
    } catch (Exception | Error e) {
      disconnect();   // so that a failed start leaves no port bound nor thread running
      throw e;
    }
  }

  private Void disconnect() {
    caches.stop();
    channel.close();   // Infinispan leaves a channel it was handed open
    return null;
  }
}
