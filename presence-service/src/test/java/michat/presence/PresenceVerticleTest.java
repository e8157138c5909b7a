package michat.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import michat.config.MichatConfig;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.Connect;
import michat.contract.PresenceApi.Disconnect;
import michat.contract.PresenceApi.Heartbeat;
import michat.contract.PresenceApi.Locate;
import michat.contract.PresenceApi.NodeAlive;
import michat.contract.PresenceApi.OnlineQuery;
import michat.contract.ServiceBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** presence-service answers its typed requests (on Vert.x shared data: no Redis needed). */
class PresenceVerticleTest {
  private Vertx vertx;
  private ServiceBus bus;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new PresenceVerticle(), new DeploymentOptions()
        .setConfig(MichatConfig.load(null, Map.of()).toJson())));
    bus = ServiceBus.of(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Map<String, Set<Long>> locate(Long... users) throws Exception {
    Map<String, Set<Long>> out = new HashMap<>();
    await(bus.request(PresenceApi.LOCATE, new Locate(List.of(users)))).nodes()
        .forEach((node, here) -> out.put(node, new HashSet<>(here)));
    return out;
  }

  @Test
  void sessionsAreLocatedOnLiveNodesUntilTheyLeave() throws Exception {
    assertFalse(await(bus.request(PresenceApi.NODE_ALIVE, new NodeAlive("node-a", "i1"))).known(),
        "a new instance is not known yet");
    assertTrue(await(bus.request(PresenceApi.NODE_ALIVE, new NodeAlive("node-a", "i1"))).known());
    await(bus.request(PresenceApi.CONNECT, new Connect(1, "node-a", "s1")));
    await(bus.request(PresenceApi.CONNECT, new Connect(2, "node-a", "s2")));
    await(bus.request(PresenceApi.CONNECT, new Connect(2, "node-a", "s3")));
    await(bus.request(PresenceApi.HEARTBEAT, new Heartbeat(List.of(1L, 2L), "node-a")));

    assertEquals(Map.of("node-a", Set.of(1L, 2L)), locate(1L, 2L, 3L));
    assertEquals(List.of(1L, 2L), await(bus.request(PresenceApi.ONLINE, new OnlineQuery(List.of(3L, 2L, 1L)))).userIds());

    assertFalse(await(bus.request(PresenceApi.DISCONNECT, new Disconnect(2, "node-a", "s2"))).offline(),
        "user 2 has another session");
    assertTrue(await(bus.request(PresenceApi.DISCONNECT, new Disconnect(1, "node-a", "s1"))).offline());
    assertEquals(Map.of("node-a", Set.of(2L)), locate(1L, 2L));
  }

  @Test
  void malformedRequestsAreRefusedAndChangeNothing() throws Exception {
    await(bus.request(PresenceApi.NODE_ALIVE, new NodeAlive("node-a", "i1")));
    assertEquals(400, failureCode(bus.request(PresenceApi.CONNECT, new Connect(1, "node-a", null))));
    // The same fields as a JSON body (an unconverted peer) are not taken for a request.
    assertEquals(400, failureCode(vertx.eventBus().request(PresenceApi.CONNECT.address(),
        JsonObject.mapFrom(new Connect(1, "node-a", "s1")))));
    assertEquals(Map.of(), locate(1L));
  }

  private static int failureCode(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return ((ReplyException) e.getCause()).failureCode();
    }
    throw new AssertionError("the request was answered");
  }
}
