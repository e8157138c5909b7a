package michat.web;

import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;

/**
 * A cluster member that only watches (bench/scripts/cluster-manager-ab.sh starts it): it joins with
 * michat's own cluster settings from the environment, then prints {@code members N at EPOCH_MS} each
 * time the number of members it sees changes — so a script that kill -9s a node can tell how long
 * the cluster took to notice. Polls every 20 ms; stops after {@code args[0]} seconds (default 600).
 */
public final class ClusterWatch {
  private ClusterWatch() {}

  public static void main(String[] args) throws Exception {
    long stopAt = System.currentTimeMillis() + 1000L * (args.length > 0 ? Long.parseLong(args[0]) : 600);
    MichatConfig cfg = MichatConfig.load(null, System.getenv());
    ClusterSupport.Node node = ClusterSupport.start(cfg, new VertxOptions()).await(120, TimeUnit.SECONDS);
    ClusterManager cluster = node.cluster();
    int seen = -1;
    while (System.currentTimeMillis() < stopAt) {
      int now = cluster.getNodes().size();
      if (now != seen) {
        System.out.println("members " + now + " at " + System.currentTimeMillis());
        System.out.flush();
        seen = now;
      }
      Thread.sleep(20);
    }
    node.vertx().close().await(20, TimeUnit.SECONDS);
    System.exit(0);
  }
}
