package michat.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.contract.RouterApi;
import michat.contract.UserApi;
import org.jgroups.JChannel;
import org.jgroups.protocols.TCP;
import org.jgroups.util.DefaultSocketFactory;

/**
 * An attacker's JVM on the cluster's network (ClusterIT starts it): it knows the cluster's name and
 * one member's address, tries to join the cluster manager's membership as michat's own members do
 * (Hazelcast lets it; Infinispan's JGroups, on mutual TLS, does not), prints how many members it
 * sees, and then tries the event bus — change a user's password, store a message as someone else,
 * listen to what members publish. It prints each outcome as a line on stdout. With
 * {@code ROGUE_KEY_STORE} set it speaks TLS with credentials of its own making, which no member
 * trusts (and on JGroups accepts any member's certificate); without, plain TCP. The cluster manager
 * is {@code MICHAT_CLUSTER_MANAGER}'s.
 *
 * <p>Arguments: the victim's user id, the id of a user to write to.
 */
public final class RogueMember {
  private RogueMember() {}

  public static void main(String[] args) throws Exception {
    long victim = Long.parseLong(args[0]);
    long recipient = Long.parseLong(args[1]);
    MichatConfig cfg = MichatConfig.load(null, System.getenv());
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    String keyStore = System.getenv("ROGUE_KEY_STORE");
    if (keyStore != null) {
      PfxOptions own = new PfxOptions().setPath(keyStore).setPassword(System.getenv("ROGUE_PASSWORD"));
      options.getEventBusOptions().setSsl(true).setKeyCertOptions(own)
          .setTrustOptions(new PfxOptions().setPath(System.getenv("ROGUE_TRUST")).setPassword(System.getenv("ROGUE_PASSWORD")));
    }
    ClusterManager membership = cfg.string(ConfigKeys.CLUSTER_MANAGER).equals("infinispan")
        ? infinispan(cfg, keyStore)
        : new HazelcastClusterManager(ClusterSupport.hazelcastConfig(cfg));
    Vertx vertx = Vertx.builder().with(options).withClusterManager(membership).buildClustered()
        .await(60, TimeUnit.SECONDS);
    // Proof that it is inside the real cluster (not alone in one of its own): the members it sees.
    say("joined, members: " + membership.getNodes().size());
    AtomicInteger received = new AtomicInteger();
    vertx.eventBus().consumer(UserApi.SESSIONS_ENDED.address(), msg -> received.incrementAndGet()).completion()
        .await(10, TimeUnit.SECONDS);
    say("listening");
    DeliveryOptions fiveSeconds = new DeliveryOptions().setSendTimeout(5_000);
    say("update: " + outcome(vertx.eventBus().request(UserApi.UPDATE.address(),
        new JsonObject().put("id", victim).put("password", "taken-over-by-rogue"), fiveSeconds)));
    JsonObject frame = new JsonObject().put("TargetId", recipient).put("Type", 1).put("Media", 1)
        .put("Content", "forged by the rogue");
    say("inbound: " + outcome(vertx.eventBus().request(RouterApi.INBOUND.address(),
        new JsonObject().put("senderId", victim).put("sessionId", "rogue").put("frame", frame), fiveSeconds)));
    Thread.sleep(3_000);   // publishes made meanwhile (ClusterIT logs a user out) would have arrived
    say("received: " + received.get());
    vertx.close().await(20, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** michat's own JGroups stack, on the rogue's TLS (or on plain TCP). */
  private static ClusterManager infinispan(MichatConfig cfg, String keyStore) throws Exception {
    if (keyStore == null) {
      JChannel channel = InfinispanSupport.channel(cfg, SSLContext.getDefault());
      ((TCP) channel.getProtocolStack().getTransport()).setSocketFactory(new DefaultSocketFactory());
      return new MichatInfinispanClusterManager(channel, cfg.string(ConfigKeys.CLUSTER_NAME));
    }
    KeyStore own = KeyStore.getInstance("PKCS12");
    char[] password = System.getenv("ROGUE_PASSWORD").toCharArray();
    try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(keyStore))) {
      own.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(own, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    return InfinispanSupport.clusterManager(cfg, tls);
  }

  private static String outcome(Future<io.vertx.core.eventbus.Message<Object>> request) {
    try {
      return "ok " + request.await(10, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      return "failed " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
