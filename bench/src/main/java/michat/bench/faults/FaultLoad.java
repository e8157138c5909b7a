package michat.bench.faults;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Private and group chat at a steady rate through both gateways, every message's outcome and every
 * delivery recorded by clientMsgId: pairs from gw1 to gw2, from gw2 to gw1 and within gw2 (the
 * "healthy" users, whose latency is compared before and during a fault of gw1 or of a router), and
 * a group of all recipients written to from gw2.
 */
final class FaultLoad implements ChatUser.Ledger, AutoCloseable {
  private record Channel(ChatUser sender, List<ChatUser> recipients, boolean group, long target, boolean healthy) {}

  private final List<Channel> channels = new ArrayList<>();
  private final List<ChatUser> users = new ArrayList<>();
  private final List<ChatUser> recipients = new ArrayList<>();
  private final WebSocketClient client;
  private final Map<String, Channel> channelOf = new ConcurrentHashMap<>();
  private final Map<String, String> outcome = new ConcurrentHashMap<>();
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
  /** clientMsgId@recipient → deliveries, and when the first and the last came. */
  private final Map<String, Integer> delivered = new ConcurrentHashMap<>();
  private final Map<String, Long> firstDeliveredAt = new ConcurrentHashMap<>();
  private final Map<String, Long> lastDeliveredAt = new ConcurrentHashMap<>();
  /** For the progress lines: healthy users' latency and counts since the last line. */
  private final Recorder healthyLatency = new Recorder(3);
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();
  private int phase;

  FaultLoad(Vertx vertx, Api api, int gw1, int gw2) throws Exception {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5_000).setMaxConnections(1_000));
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    int[][] pairs = {{gw1, gw2}, {gw1, gw2}, {gw2, gw1}, {gw2, gw1}, {gw2, gw2}, {gw2, gw2}};
    for (int i = 0; i < pairs.length; i++) {
      ChatUser from = user(vertx, api, "fs" + i + "-" + run, pairs[i][0], gw1, gw2);
      ChatUser to = user(vertx, api, "fr" + i + "-" + run, pairs[i][1], gw1, gw2);
      recipients.add(to);
      channels.add(new Channel(from, List.of(to), false, to.id, pairs[i][0] == gw2 && pairs[i][1] == gw2));
    }
    Api.User owner = api.newUser("fg-" + run);
    long group = api.createGroup(owner, "faults-" + run);
    for (ChatUser member : recipients) {
      api.joinGroup(member.account, group);
    }
    ChatUser groupSender = new ChatUser("fg-" + run, owner, gw2, gw1, vertx, client, this);
    users.add(groupSender);
    channels.add(new Channel(groupSender, List.copyOf(recipients), true, group, false));
    for (ChatUser u : users) {
      u.open();
    }
  }

  private ChatUser user(Vertx vertx, Api api, String name, int home, int gw1, int gw2) {
    Api.User u = api.newUser(name);
    ChatUser user = new ChatUser(name, u, home, home == gw1 ? gw2 : gw1, vertx, client, this);
    users.add(user);
    return user;
  }

  @Override
  public void outcome(String clientMsgId, String what) {
    outcome.put(clientMsgId, what);
    if ("ack".equals(what)) {
      acks.incrementAndGet();
      ackedAt.putIfAbsent(clientMsgId, System.nanoTime());
    }
  }

  @Override
  public void delivered(String clientMsgId, long recipient) {
    String key = clientMsgId + "@" + recipient;
    long now = System.nanoTime();
    delivered.merge(key, 1, Integer::sum);
    lastDeliveredAt.put(key, now);
    deliveries.incrementAndGet();
    if (firstDeliveredAt.putIfAbsent(key, now) == null) {
      Channel c = channelOf.get(clientMsgId);
      Long sent = sentAt.get(clientMsgId);
      if (c != null && c.healthy && sent != null) {
        healthyLatency.recordValue(Math.max(1, (now - sent) / 1000));
      }
    }
  }

  /** One line a second while the load runs: what was sent, acknowledged, delivered, and how fast. */
  private void progress(long start, long sentSoFar, Histogram reuse) {
    Histogram h = healthyLatency.getIntervalHistogram(reuse);
    System.err.printf(java.util.Locale.ROOT, "[faults] %5.1f s: sent %,d, acks %,d/s, deliveries %,d/s, healthy p99 %s ms%n",
        (System.nanoTime() - start) / 1e9, sentSoFar, acks.getAndSet(0), deliveries.getAndSet(0),
        h.getTotalCount() == 0 ? "–" : String.format(java.util.Locale.ROOT, "%.1f", h.getValueAtPercentile(99) / 1000.0));
  }

  /**
   * The load alone, uncounted: five cold JVMs compiling on a small machine keep up with it only after
   * half a minute or so, and a fault's figures should not measure that.
   */
  void warmUp(int seconds, int rate) throws Exception {
    Fault none = new Fault("warm-up", "warm-up", () -> { }, () -> { }, false);
    FaultOptions quiet = new FaultOptions();
    quiet.beforeSeconds = 1;
    quiet.afterSeconds = 1;
    through(none, quiet, seconds, rate);
  }

  /** The load before, during and after one fault (its steps run beside the load), then the figures. */
  FaultResult through(Fault fault, FaultOptions o, int seconds, int rate) throws Exception {
    phase++;
    everyoneHome();
    List<String> ids = new ArrayList<>();
    long start = System.nanoTime();
    long faultAt = start + TimeUnit.SECONDS.toNanos(o.beforeSeconds);
    long[] backAt = {0};
    Exception[] failed = {null};
    Thread faulter = new Thread(() -> {
      try {
        sleepUntil(faultAt);
        fault.inject().run();
        sleepUntil(faultAt + TimeUnit.SECONDS.toNanos(seconds));
        fault.recover().run();
      } catch (Exception e) {
        failed[0] = e;
      } finally {
        synchronized (backAt) {
          backAt[0] = System.nanoTime();
        }
      }
    }, "fault-" + fault.key());
    faulter.start();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long after = TimeUnit.SECONDS.toNanos(o.afterSeconds);
    long nextProgress = start + TimeUnit.SECONDS.toNanos(1);
    Histogram reuse = null;
    for (long n = 0, next = start; ; n++, next += interval) {
      long back;
      synchronized (backAt) {
        back = backAt[0];
      }
      long now = System.nanoTime();
      if (back != 0 && now >= back + after) {
        break;
      }
      if (now >= nextProgress) {
        nextProgress += TimeUnit.SECONDS.toNanos(1);
        progress(start, n, reuse);
      }
      if (next > now) {
        TimeUnit.NANOSECONDS.sleep(next - now);
      }
      ids.add(send(n));
    }
    faulter.join();
    if (failed[0] != null) {
      throw new IllegalStateException(fault.name() + ": could not cause or end it", failed[0]);
    }
    return settle(fault, ids, faultAt, backAt[0]);
  }

  /** One message in {@code channels} goes to each channel in turn. */
  private String send(long n) {
    String id = "f" + phase + "-" + n;
    Channel c = channels.get((int) (n % channels.size()));
    channelOf.put(id, c);
    sentAt.put(id, System.nanoTime());
    c.sender.send(id, new JsonObject().put("TargetId", c.target).put("Type", c.group ? 2 : 1)
        .put("CreateTime", System.currentTimeMillis()).put("userId", c.sender.id).put("Media", 1).put("Content", id)
        .put("clientMsgId", id).encode());
    return id;
  }

  private FaultResult settle(Fault fault, List<String> ids, long faultAt, long backAt) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && ids.stream().anyMatch(id -> !outcome.containsKey(id))) {
      Thread.sleep(50);
    }
    Thread.sleep(3_000);   // deliveries of what was stored last, and of writes whose outcome was unknown
    // What was not delivered live must come on the next connect (resume): every recipient reconnects.
    long resumeAt = System.nanoTime();
    recipients.forEach(ChatUser::reconnect);
    Thread.sleep(1_000);
    awaitConnected(recipients);
    Thread.sleep(2_000);
    Map<String, Long> codes = new TreeMap<>();
    ids.forEach(id -> codes.merge(outcome.getOrDefault(id, "none"), 1L, Long::sum));
    System.err.println("[faults] " + fault.name() + ": outcomes " + codes);
    FaultResult.Builder r = new FaultResult.Builder(fault, ids.size());
    Histogram before = new Histogram(3);
    Histogram during = new Histogram(3);
    for (String id : ids) {
      String o = outcome.getOrDefault(id, "none");
      r.outcome(o);
      if (o.equals("ack") && ackedAt.get(id) >= backAt) {
        r.ackAfter(ackedAt.get(id) - backAt);
      }
      Channel c = channelOf.get(id);
      for (ChatUser to : c.recipients) {
        String key = id + "@" + to.id;
        int count = delivered.getOrDefault(key, 0);
        Long first = firstDeliveredAt.get(key);
        Long last = lastDeliveredAt.get(key);
        r.delivery(o, count, first != null && first >= faultAt && first < backAt, first != null && first >= resumeAt);
        if (last != null && last >= backAt && sentAt.get(id) < backAt && last < resumeAt) {
          r.deliveryAfter(last - backAt);
        }
        if (c.healthy && first != null) {
          long latencyUs = Math.max(1, (first - sentAt.get(id)) / 1000);
          long sent = sentAt.get(id);
          if (sent < faultAt) {
            before.recordValue(latencyUs);
          } else if (sent < backAt) {
            during.recordValue(latencyUs);
          }
        }
      }
    }
    return r.healthyP99(p99(before), p99(during)).build();
  }

  private static double p99(Histogram h) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0;
  }

  /** Users a failed gateway sent to the other one go back to their own, so every fault starts alike. */
  private void everyoneHome() throws InterruptedException {
    users.stream().filter(u -> !u.atHome()).forEach(ChatUser::reconnect);
    Thread.sleep(200);
    awaitConnected(users);
  }

  private static void awaitConnected(List<ChatUser> who) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (who.stream().anyMatch(u -> !u.connected() || !u.atHome())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("users not connected to their own gateway after 30 s: "
            + who.stream().filter(u -> !u.connected() || !u.atHome()).map(u -> u.name).toList());
      }
      Thread.sleep(50);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  @Override
  public void close() {
    users.forEach(ChatUser::stop);
  }
}
