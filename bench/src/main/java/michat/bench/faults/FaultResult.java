package michat.bench.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One fault's figures, and the checks the matrix holds michat to: nothing acknowledged lost (live
 * or, at the latest, on the recipient's next connect), nothing delivered twice, no message refused
 * {@code unavailable} ever delivered, every message answered (acknowledged or refused: a client is
 * never left waiting), service back by itself after the fault, and — where chat must go on —
 * deliveries while it lasted.
 */
record FaultResult(String fault, boolean deliveryMustGoOn, long sent, long acknowledged, long unavailable, long unknown,
                   long otherRefusals, long noAnswer, long deliveries, long deliveredDuring, long deliveredOnResume,
                   long lostAcknowledged, long twice, long refusedYetDelivered, long firstAckAfterMs,
                   long lastDeliveryAfterMs, double healthyP99BeforeMs, double healthyP99DuringMs) {

  /** What is wrong with this row; empty when every check held. */
  List<String> problems() {
    List<String> out = new ArrayList<>();
    if (lostAcknowledged > 0) {
      out.add(lostAcknowledged + " acknowledged deliveries never arrived");
    }
    if (noAnswer > 0) {
      out.add(noAnswer + " messages never answered (neither acknowledged nor refused), sent again after every reconnect");
    }
    if (twice > 0) {
      out.add(twice + " deliveries arrived twice");
    }
    if (refusedYetDelivered > 0) {
      out.add(refusedYetDelivered + " deliveries of messages refused unavailable");
    }
    if (firstAckAfterMs < 0) {
      out.add("no message acknowledged after the fault ended");
    }
    if (deliveryMustGoOn && deliveredDuring == 0) {
      out.add("nothing delivered while it lasted");
    }
    return out.stream().map(p -> fault + ": " + p).toList();
  }

  static String table(List<FaultResult> results) {
    StringBuilder out = new StringBuilder(String.format("%n| fault | sent | acked | `unavailable` | `unknown` | other refusals"
        + " | no answer | deliveries | delivered during the fault | only on reconnect | acked but lost | twice"
        + " | refused yet delivered | first ack after (ms) | last live delivery after (ms)"
        + " | healthy p99 before / during (ms) |%n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n"));
    for (FaultResult r : results) {
      out.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %d | %d | %d | %s | %,d"
              + " | %.1f / %.1f |%n", r.fault, r.sent, r.acknowledged, r.unavailable, r.unknown, r.otherRefusals,
          r.noAnswer, r.deliveries, r.deliveredDuring, r.deliveredOnResume, r.lostAcknowledged, r.twice,
          r.refusedYetDelivered, r.firstAckAfterMs < 0 ? "none" : String.format(Locale.ROOT, "%,d", r.firstAckAfterMs),
          r.lastDeliveryAfterMs, r.healthyP99BeforeMs, r.healthyP99DuringMs));
    }
    return out.toString();
  }

  /** Accumulates one fault's figures message by message. */
  static final class Builder {
    private final Fault fault;
    private final long sent;
    private long acknowledged;
    private long unavailable;
    private long unknown;
    private long otherRefusals;
    private long noAnswer;
    private long deliveries;
    private long deliveredDuring;
    private long deliveredOnResume;
    private long lost;
    private long twice;
    private long lied;
    private long firstAckAfterNanos = -1;
    private long lastDeliveryAfterNanos;
    private double p99Before = Double.NaN;
    private double p99During = Double.NaN;

    Builder(Fault fault, long sent) {
      this.fault = fault;
      this.sent = sent;
    }

    void outcome(String o) {
      switch (o) {
        case "ack" -> acknowledged++;
        case "unavailable" -> unavailable++;
        case "unknown" -> unknown++;
        case "none" -> noAnswer++;
        default -> otherRefusals++;
      }
    }

    void ackAfter(long nanos) {
      if (firstAckAfterNanos < 0 || nanos < firstAckAfterNanos) {
        firstAckAfterNanos = nanos;
      }
    }

    /** One recipient of one message: how often it arrived, and when first. */
    void delivery(String outcome, int count, boolean duringFault, boolean onlyOnResume) {
      deliveries += count;
      if (count > 1) {
        twice++;
      }
      if (count == 0 && outcome.equals("ack")) {
        lost++;
      }
      if (count > 0 && outcome.equals("unavailable")) {
        lied++;
      }
      if (count > 0 && duringFault) {
        deliveredDuring++;
      }
      if (count > 0 && onlyOnResume) {
        deliveredOnResume++;
      }
    }

    void deliveryAfter(long nanos) {
      lastDeliveryAfterNanos = Math.max(lastDeliveryAfterNanos, nanos);
    }

    Builder healthyP99(double before, double during) {
      p99Before = before;
      p99During = during;
      return this;
    }

    FaultResult build() {
      return new FaultResult(fault.name(), fault.deliveryMustGoOn(), sent, acknowledged, unavailable, unknown,
          otherRefusals, noAnswer, deliveries, deliveredDuring, deliveredOnResume, lost, twice, lied,
          firstAckAfterNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstAckAfterNanos),
          TimeUnit.NANOSECONDS.toMillis(lastDeliveryAfterNanos), p99Before, p99During);
    }
  }
}
