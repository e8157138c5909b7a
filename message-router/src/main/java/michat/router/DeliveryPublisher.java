package michat.router;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.Locate;
import michat.contract.RouterApi;
import michat.contract.RouterApi.Deliveries;
import michat.contract.RouterApi.Delivery;
import michat.contract.RouterApi.Signal;
import michat.contract.RouterApi.SignalDelivery;
import michat.contract.ServiceBus;
import michat.metrics.MichatMetrics;
import michat.router.MessageRepository.Stored;

/**
 * Live pushes of stored messages to the gateway nodes holding their recipients. Every push asked for
 * in one turn of the event loop — a stored batch completes all its messages in one turn — shares one
 * presence lookup and one {@link Deliveries} per node, in the order asked. Used from the router
 * verticle's event loop only.
 *
 * <p>Where every gateway runs in this JVM (michat not clustered) there is nothing to look up: each turn
 * is one publish to the gateway instances here ({@link RouterApi#DELIVER_EVERYWHERE}), each handing it
 * to its own sessions of the recipients. That spares presence (Redis) a lookup of the recipient and of
 * the sender per message — about 6 % of the CPU per message of a single process on MariaDB + Redis
 * (docs/benchmarks.md, "Storage design") — and can only reach more sessions than a lookup, never fewer.
 */
final class DeliveryPublisher {
  /**
   * A stored message for {@code recipients}; with {@code copiesFor}, also a copy for that user's
   * sessions other than {@code fromSession} (v2 multi-device).
   */
  private record Push(Stored stored, List<Long> recipients, Long copiesFor, String fromSession, long receivedAt,
                      Promise<Void> done) {}

  /** The metrics cause of pushes sent to every node ({@code michat_messages_rerouted_total}). */
  static final String PRESENCE_UNAVAILABLE = "presence_unavailable";

  private final Vertx vertx;
  private final ServiceBus bus;
  private List<Push> pending = new ArrayList<>();
  /** Completes when the latest batch has been published. */
  private Future<Void> published = Future.succeededFuture();

  private final Counter rerouted;
  /** Ask presence which nodes hold the recipients: false when every gateway is in this JVM. */
  private final boolean locate;

  /** {@code locate}: whether gateways may run in other JVMs (clustered), so presence must say which hold whom. */
  DeliveryPublisher(Vertx vertx, MichatMetrics metrics, boolean locate) {
    this.vertx = vertx;
    this.bus = ServiceBus.of(vertx);
    this.rerouted = metrics.messagesRerouted(PRESENCE_UNAVAILABLE);
    this.locate = locate;
  }

  /**
   * Completes once the push is handed to the event bus: to the nodes of its recipients, or to every
   * node when presence could not be asked ({@link #publishEverywhere}). Never fails. Batches are
   * published in the order they were asked for.
   */
  Future<Void> push(Stored stored, List<Long> recipients, Long copiesFor, String fromSession, long receivedAt) {
    Promise<Void> done = Promise.promise();
    pending.add(new Push(stored, recipients, copiesFor, fromSession, receivedAt, done));
    if (pending.size() == 1) {
      vertx.runOnContext(v -> flush());
    }
    return done.future();
  }

  private void flush() {
    List<Push> batch = pending;
    pending = new ArrayList<>();
    if (!locate) {
      // published in the order asked: nothing is looked up, so nothing can overtake
      bus.publish(RouterApi.DELIVER_EVERYWHERE, Deliveries.of(everywhere(batch)));
      batch.forEach(p -> p.done.complete());
      return;
    }
    // Lookups run side by side, publishing keeps the order of the batches: otherwise a later group
    // message overtakes an earlier one and every member's gateway fetches the "gap" from the store.
    Future<Map<String, List<Long>>> located = locate(recipientsOf(batch));
    Future<Void> turn = published.transform(previous -> located.transform(ar -> {
      if (ar.succeeded()) {
        publish(batch, nodesByUser(ar.result()));
      } else {
        publishEverywhere(batch);
      }
      return Future.<Void>succeededFuture();
    }));
    published = turn;
    turn.onComplete(ar -> batch.forEach(p -> p.done.complete()));
  }

  private static Set<Long> recipientsOf(List<Push> batch) {
    Set<Long> users = new LinkedHashSet<>();
    for (Push p : batch) {
      users.addAll(p.recipients);
      if (p.copiesFor != null) {
        users.add(p.copiesFor);
      }
    }
    return users;
  }

  /**
   * Presence did not answer (Redis down or frozen, presence-service gone): where the recipients are is
   * unknown, so the batch goes to every gateway node, each handing it to its own sessions of them.
   * Messages keep flowing during the outage at the cost of every node seeing every push; the outage
   * itself is logged once, by presence's guard.
   */
  private void publishEverywhere(List<Push> batch) {
    rerouted.increment(batch.size());
    bus.publish(RouterApi.DELIVER_EVERYWHERE, Deliveries.of(everywhere(batch)));
  }

  /** The batch for every node: each delivery names all its recipients, and copies follow their message. */
  private static List<Delivery> everywhere(List<Push> batch) {
    List<Delivery> deliveries = new ArrayList<>(batch.size());
    for (Push p : batch) {
      Stored s = p.stored;
      deliveries.add(new Delivery(p.recipients, s.conversation(), s.seq(), s.prev(), s.payload(), null, p.receivedAt));
      if (p.copiesFor != null) {
        deliveries.add(new Delivery(List.of(p.copiesFor), s.conversation(), s.seq(), s.prev(), s.payload(),
            p.fromSession, 0));
      }
    }
    return deliveries;
  }

  private void publish(List<Push> batch, Map<Long, List<String>> nodesOf) {
    Map<String, List<Delivery>> perNode = new LinkedHashMap<>();
    for (Push p : batch) {
      Stored s = p.stored;
      Map<String, List<Long>> toByNode = new HashMap<>();
      for (Long user : p.recipients) {
        for (String node : nodesOf.getOrDefault(user, List.of())) {
          toByNode.computeIfAbsent(node, k -> new ArrayList<>()).add(user);
        }
      }
      toByNode.forEach((node, to) -> perNode.computeIfAbsent(node, k -> new ArrayList<>())
          .add(new Delivery(to, s.conversation(), s.seq(), s.prev(), s.payload(), null, p.receivedAt)));
      if (p.copiesFor != null) {
        for (String node : nodesOf.getOrDefault(p.copiesFor, List.of())) {
          perNode.computeIfAbsent(node, k -> new ArrayList<>()).add(new Delivery(List.of(p.copiesFor),
              s.conversation(), s.seq(), s.prev(), s.payload(), p.fromSession, 0));
        }
      }
    }
    perNode.forEach((node, deliveries) -> bus.publish(RouterApi.DELIVER, node, Deliveries.of(deliveries)));
  }

  /** Relays a v2 signal to the nodes where these users are connected (all, without presence). */
  Future<Void> signal(Signal signal, List<Long> to) {
    Future<Map<String, List<Long>>> located = locate
        ? locate(new LinkedHashSet<>(to)) : Future.failedFuture("every gateway is in this JVM");
    return located.transform(ar -> {
      long from = signal.caller().userId();
      if (ar.succeeded()) {
        ar.result().forEach((node, here) -> bus.publish(RouterApi.DELIVER, node, Deliveries.of(
            new SignalDelivery(here, signal.kind(), from, signal.conversation(), signal.seq()))));
      } else {
        bus.publish(RouterApi.DELIVER_EVERYWHERE, Deliveries.of(
            new SignalDelivery(to, signal.kind(), from, signal.conversation(), signal.seq())));
      }
      return Future.<Void>succeededFuture();
    });
  }

  private static Map<Long, List<String>> nodesByUser(Map<String, List<Long>> nodes) {
    Map<Long, List<String>> out = new HashMap<>();
    nodes.forEach((node, here) -> {
      for (Long user : here) {
        out.computeIfAbsent(user, k -> new ArrayList<>(1)).add(node);
      }
    });
    return out;
  }

  /** Which live gateway nodes hold sessions of these users: node → users (presence). */
  private Future<Map<String, List<Long>>> locate(Set<Long> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return bus.request(PresenceApi.LOCATE, new Locate(new ArrayList<>(userIds))).map(PresenceApi.Locations::nodes);
  }
}
