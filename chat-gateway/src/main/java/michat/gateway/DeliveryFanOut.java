package michat.gateway;

import michat.contract.RouterApi.Deliveries;
import michat.contract.RouterApi.Delivery;
import michat.contract.RouterApi.SignalDelivery;
import michat.metrics.MichatMetrics;

/** What routers push to this node: each stored message to its recipients' sessions here, in order. */
final class DeliveryFanOut {
  private final SessionRegistry sessions;
  private final MichatMetrics metrics;

  DeliveryFanOut(SessionRegistry sessions, MichatMetrics metrics) {
    this.sessions = sessions;
    this.metrics = metrics;
  }

  /** Stored messages (in order) or one signal. */
  void deliver(Deliveries d) {
    if (d.messages() != null) {
      for (Delivery m : d.messages()) {
        if (m.exceptSession() == null) {
          deliverOne(m);
        } else {
          deliverCopy(m);
        }
      }
    }
    if (d.signal() != null) {
      deliverSignal(d.signal());
    }
  }

  private void deliverOne(Delivery d) {
    for (Long user : d.to()) {
      boolean here = false;
      for (ChatSession s : sessions.of(user)) {
        s.deliver(d.conversation(), d.seq(), d.prev(), d.frame());
        here = true;
      }
      if (here && d.receivedAt() > 0) {   // here, not per instance: every instance of the node sees every delivery
        metrics.recordDelivery(d.receivedAt());
      }
    }
  }

  /** v2 only: a copy of a user's own private message for their other sessions. */
  private void deliverCopy(Delivery d) {
    for (ChatSession s : sessions.v2Of(d.to())) {
      if (!s.id.equals(d.exceptSession())) {
        s.deliverCopy(d.conversation(), d.seq(), d.frame());
      }
    }
  }

  /** v2 only: typing, delivered, read. */
  private void deliverSignal(SignalDelivery signal) {
    String frame = null;
    for (ChatSession s : sessions.v2Of(signal.to())) {
      if (frame == null) {
        frame = Frames.signal(signal.kind(), signal.from(), signal.conversation(), signal.seq());
      }
      s.send(frame);
    }
  }
}
