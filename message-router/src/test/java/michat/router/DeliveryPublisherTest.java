package michat.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import michat.config.MichatConfig;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.Locate;
import michat.contract.PresenceApi.Locations;
import michat.contract.RouterApi;
import michat.contract.RouterApi.Deliveries;
import michat.contract.RouterApi.Delivery;
import michat.contract.ServiceBus;
import michat.metrics.MichatMetrics;
import michat.model.Failures;
import michat.router.MessageRepository.Stored;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The order of live pushes, with presence-service answered by this test (who is on which node, how
 * fast, whether it answers at all) and the gateway nodes' topics listened to: one lookup and one
 * publish per node for everything of one event-loop turn, batches never overtaking each other, copies
 * for the sender's other sessions, and pushes to every node at once when presence does not answer.
 */
class DeliveryPublisherTest {
  private static final Map<Long, String> NODE_OF = Map.of(1L, "n1", 2L, "n2", 3L, "n1", 4L, "n2");

  private Vertx vertx;
  private Context loop;
  private DeliveryPublisher publisher;
  private final AtomicInteger lookups = new AtomicInteger();
  private volatile Function<Integer, Future<Void>> presenceDelay = n -> Future.succeededFuture();
  private final Map<String, List<Deliveries>> received = new LinkedHashMap<>();
  private final List<Deliveries> everywhere = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ServiceBus bus = ServiceBus.of(vertx);
    bus.serve(PresenceApi.LOCATE, this::locate, LoggerFactory.getLogger(DeliveryPublisherTest.class))
        .completion().await(5, TimeUnit.SECONDS);
    for (String node : List.of("n1", "n2")) {
      List<Deliveries> here = new CopyOnWriteArrayList<>();
      received.put(node, here);
      bus.subscribe(RouterApi.DELIVER, node, here::add).completion().await(5, TimeUnit.SECONDS);
    }
    bus.subscribe(RouterApi.DELIVER_EVERYWHERE, everywhere::add).completion().await(5, TimeUnit.SECONDS);
    loop = vertx.getOrCreateContext();
    Promise<Void> created = Promise.promise();
    loop.runOnContext(v -> {
      publisher = new DeliveryPublisher(vertx, MichatMetrics.of(MichatConfig.load(null, Map.of())), true);
      created.complete();
    });
    created.future().await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Future<Locations> locate(Locate req) {
    int n = lookups.incrementAndGet();
    return presenceDelay.apply(n).map(v -> {
      Map<String, List<Long>> nodes = new LinkedHashMap<>();
      for (Long user : req.userIds()) {
        String node = NODE_OF.get(user);
        if (node != null) {
          nodes.computeIfAbsent(node, k -> new ArrayList<>()).add(user);
        }
      }
      return new Locations(nodes);
    });
  }

  private static Stored stored(String conversation, long seq) {
    return new Stored(seq, conversation, seq, seq - 1, "{\"seq\":" + seq + "}", false, 0);
  }

  /** Pushes, all in one turn of the router's event loop; completes when every push is handed over. */
  private void pushInOneTurn(List<Stored> messages, List<Long> recipients) throws Exception {
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> Future.all(messages.stream()
            .map(m -> publisher.push(m, recipients, null, "s", 1)).toList())
        .<Void>mapEmpty().onComplete(done));
    done.future().await(10, TimeUnit.SECONDS);
  }

  private static List<Long> seqs(List<Deliveries> batches) {
    List<Long> out = new ArrayList<>();
    batches.forEach(b -> b.messages().forEach(d -> out.add(d.seq())));
    return out;
  }

  private void awaitDeliveries(String node, int messages) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (seqs(received.get(node)).size() < messages && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void oneTurnSharesOneLookupAndOnePublishPerNodeInTheOrderAsked() throws Exception {
    pushInOneTurn(List.of(stored("g:9", 1), stored("g:9", 2), stored("g:9", 3)), List.of(1L, 2L, 3L, 4L));
    awaitDeliveries("n1", 3);
    awaitDeliveries("n2", 3);
    assertEquals(1, lookups.get(), "one presence lookup for the whole turn");
    assertEquals(1, received.get("n1").size(), "one publish per node");
    assertEquals(1, received.get("n2").size());
    assertEquals(List.of(1L, 2L, 3L), seqs(received.get("n1")));
    Delivery first = received.get("n1").get(0).messages().get(0);
    assertEquals(List.of(1L, 3L), first.to(), "each node gets its own users only");
    assertEquals(List.of(2L, 4L), received.get("n2").get(0).messages().get(0).to());
  }

  @Test
  void aLaterBatchNeverOvertakesAnEarlierOneWhosePresenceLookupIsSlower() throws Exception {
    Promise<Void> slowFirst = Promise.promise();
    presenceDelay = n -> n == 1 ? slowFirst.future() : Future.succeededFuture();
    Promise<Void> firstHandedOver = Promise.promise();
    loop.runOnContext(v -> publisher.push(stored("g:9", 1), List.of(1L), null, "s", 1).onComplete(firstHandedOver));
    Thread.sleep(100);   // the first turn's lookup is pending
    Promise<Void> secondHandedOver = Promise.promise();
    loop.runOnContext(v -> publisher.push(stored("g:9", 2), List.of(1L), null, "s", 1).onComplete(secondHandedOver));
    Thread.sleep(300);   // the second lookup answered long ago
    assertEquals(List.of(), seqs(received.get("n1")), "nothing published before the first batch");
    assertTrue(!secondHandedOver.future().isComplete(), "nor handed over: the sender's ack waits its turn");
    vertx.setTimer(1, id -> slowFirst.complete());
    awaitDeliveries("n1", 2);
    assertEquals(List.of(1L, 2L), seqs(received.get("n1")));
    secondHandedOver.future().await(5, TimeUnit.SECONDS);
  }

  @Test
  void aPrivateMessageIsCopiedToTheSendersOtherSessionsOnly() throws Exception {
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> publisher.push(stored("p:1:2", 7), List.of(2L), 1L, "phone", 1).onComplete(done));
    done.future().await(5, TimeUnit.SECONDS);
    awaitDeliveries("n1", 1);
    awaitDeliveries("n2", 1);
    Delivery copy = received.get("n1").get(0).messages().get(0);
    assertEquals(List.of(1L), copy.to());
    assertEquals("phone", copy.exceptSession(), "not back to the session that sent it");
    assertEquals(0, copy.receivedAt(), "copies do not count as deliveries");
    Delivery toRecipient = received.get("n2").get(0).messages().get(0);
    assertEquals(null, toRecipient.exceptSession());
  }

  @Test
  void whenPresenceDoesNotAnswerTheBatchGoesToEveryNodeAtOnce() throws Exception {
    presenceDelay = n -> n == 1 ? Failures.fail(Failures.UNAVAILABLE, "redis down") : Future.succeededFuture();
    long started = System.currentTimeMillis();
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> Future.all(List.of(publisher.push(stored("g:9", 1), List.of(2L, 4L), null, "s", 1),
        publisher.push(stored("p:1:2", 2), List.of(2L), 1L, "phone", 1))).<Void>mapEmpty().onComplete(done));
    done.future().await(10, TimeUnit.SECONDS);
    assertTrue(System.currentTimeMillis() - started < 900, "handed over at once");
    long deadline = System.currentTimeMillis() + 5_000;
    while (everywhere.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, everywhere.size(), "one publish to every node for the batch");
    List<Delivery> all = everywhere.get(0).messages();
    assertEquals(List.of(1L, 2L, 2L), all.stream().map(Delivery::seq).toList(), "in order, the copy after its message");
    assertEquals(List.of(2L, 4L), all.get(0).to(), "the recipients; each node serves those it holds");
    assertEquals("phone", all.get(2).exceptSession());
    assertEquals(Collections.emptyList(), seqs(received.get("n1")), "nothing to single nodes");
    assertEquals(Collections.emptyList(), seqs(received.get("n2")));
    assertEquals(1, lookups.get());
  }

  @Test
  void withEveryGatewayInThisJvmNothingIsLookedUpAndEachTurnIsOnePublishInOrder() throws Exception {
    MichatMetrics metrics = MichatMetrics.of(MichatConfig.load(null, Map.of()));
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> {
      DeliveryPublisher local = new DeliveryPublisher(vertx, metrics, false);
      Future.all(List.of(local.push(stored("g:9", 1), List.of(2L, 4L), null, "s", 1),
              local.push(stored("p:1:2", 2), List.of(2L), 1L, "phone", 1),
              local.signal(new RouterApi.Signal(new michat.contract.Caller(1L, "t"), RouterApi.SignalKind.typing,
                  "p:1:2", 0), List.of(2L))))
          .<Void>mapEmpty().onComplete(done);
    });
    done.future().await(10, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 5_000;
    while (everywhere.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, lookups.get(), "presence is not asked");
    assertEquals(2, everywhere.size(), "one publish for the turn's messages, one for the signal");
    Deliveries messages = everywhere.stream().filter(d -> d.messages() != null).findFirst().orElseThrow();
    List<Delivery> all = messages.messages();
    assertEquals(List.of(1L, 2L, 2L), all.stream().map(Delivery::seq).toList(), "in order, the copy after its message");
    assertEquals(List.of(2L, 4L), all.get(0).to());
    assertEquals("phone", all.get(2).exceptSession());
    Deliveries signal = everywhere.stream().filter(d -> d.signal() != null).findFirst().orElseThrow();
    assertEquals(List.of(2L), signal.signal().to());
    assertEquals(Collections.emptyList(), seqs(received.get("n1")));
  }
}
