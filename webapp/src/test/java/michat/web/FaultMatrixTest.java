package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import michat.testkit.OwnMariaDb;
import michat.testkit.OwnRedis;
import michat.testkit.TcpRelay;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault matrix: private and group chat under a steady load while one dependency fails — MariaDB
 * killed, frozen or slow, Redis killed or frozen — each against MariaDB and Redis processes of the
 * test's own (MariaDB behind a relay for the slow case). For every fault: nothing acknowledged lost,
 * nothing delivered twice, no message refused {@code unavailable} ever delivered, service back by
 * itself, and how long that took. Redis faults must not stop delivery: presence is an optimisation.
 *
 * <p>Smoke size by default (a few seconds per fault, in CI); the full size, with the figures in
 * docs/reliability.md: {@code -Dmichat.faults.seconds=20 -Dmichat.faults.rate=400}.
 */
class FaultMatrixTest {
  private static final Logger LOG = LoggerFactory.getLogger(FaultMatrixTest.class);
  private static final int FAULT_SECONDS = Integer.getInteger("michat.faults.seconds", 4);
  private static final int RATE = Integer.getInteger("michat.faults.rate", 40);
  /** Private pairs; the recipients are also the members of the one group. */
  private static final int PAIRS = 4;

  private record Fault(String name, Step inject, Step recover, boolean deliveryMustGoOn) {}

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  @Test
  void everyFaultLosesNothingAcknowledgedNeverLiesAndRecovers() throws Exception {
    try (OwnMariaDb mariadb = TestServer.ownMariaDb(); OwnRedis redis = TestServer.ownRedis();
         TcpRelay relay = new TcpRelay(mariadb.port)) {
      int relayPort = relay.port;
      Map<String, String> env = new HashMap<>(TestServer.baseEnv(TestServer.tempDir()));
      env.put("MICHAT_MYSQL_URL", "mysql://root@127.0.0.1:" + relayPort + "/michat_faults");
      env.put("MICHAT_REDIS_URL", redis.url());
      env.put("MICHAT_TOKEN_SECRET", TestServer.SECRET);
      TestServer server = TestServer.start(env, null);
      try (Load load = new Load(server)) {
        List<Fault> faults = List.of(
            new Fault("MariaDB killed (kill -9), started again", mariadb::kill, mariadb::start, false),
            new Fault("MariaDB frozen (SIGSTOP)", mariadb::freeze, mariadb::thaw, false),
            new Fault("MariaDB slow (+500 ms each way)", () -> relay.delay(500), () -> relay.delay(0), false),
            new Fault("Redis killed (kill -9), started again empty", redis::kill, redis::start, true),
            new Fault("Redis frozen (SIGSTOP)", redis::freeze, redis::thaw, true));
        List<Result> results = new ArrayList<>();
        for (Fault fault : faults) {
          results.add(load.through(fault));
        }
        LOG.info("fault matrix ({} s per fault, {} msg/s):{}", FAULT_SECONDS, RATE, Result.table(results));
        for (Result r : results) {
          assertEquals(0, r.lostAcknowledged, r.fault + ": acknowledged but not delivered\n" + Result.table(results));
          assertEquals(0, r.duplicates, r.fault + ": delivered twice\n" + Result.table(results));
          assertEquals(0, r.refusedButDelivered, r.fault + ": refused unavailable, yet delivered\n" + Result.table(results));
          assertTrue(r.recoveryMs >= 0, r.fault + ": no message acknowledged after it ended\n" + Result.table(results));
          if (r.deliveryMustGoOn) {
            assertTrue(r.deliveredDuringFault > 0, r.fault + ": nothing delivered while it lasted\n" + Result.table(results));
          }
        }
      } finally {
        server.close();
      }
    }
  }

  /** One fault's figures. */
  private record Result(String fault, boolean deliveryMustGoOn, long sent, long acknowledged, long unavailable,
                        long unknown, long deliveries, long deliveredDuringFault, long lostAcknowledged,
                        long duplicates, long refusedButDelivered, long recoveryMs, long lastDeliveryAfterMs) {
    static String table(List<Result> results) {
      StringBuilder out = new StringBuilder(String.format("%n| fault | sent | acked | unavailable | unknown | deliveries"
          + " | delivered during | lost acked | twice | refused yet delivered | first ack after (ms) | last delivery after (ms) |%n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|%n"));
      for (Result r : results) {
        out.append(String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |%n", r.fault, r.sent,
            r.acknowledged, r.unavailable, r.unknown, r.deliveries, r.deliveredDuringFault, r.lostAcknowledged,
            r.duplicates, r.refusedButDelivered, r.recoveryMs, r.lastDeliveryAfterMs));
      }
      return out.toString();
    }
  }

  /**
   * v2 senders writing to their recipients (private) and one to a group of the recipients, at a
   * steady rate; every message's outcome and every delivery recorded by clientMsgId.
   */
  private static final class Load implements AutoCloseable {
    private final List<ChatClient> senders = new ArrayList<>();
    private final List<Long> senderIds = new ArrayList<>();
    private final List<ChatClient> recipients = new ArrayList<>();
    private final List<Long> recipientIds = new ArrayList<>();
    private final long groupId;
    /** clientMsgId → ack, unavailable, unknown, or another error code. */
    private final Map<String, String> outcome = new ConcurrentHashMap<>();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
    /** clientMsgId@recipient → deliveries; and when the last one came. */
    private final Map<String, Integer> delivered = new ConcurrentHashMap<>();
    private final Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> expectedAt = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private long lastHeartbeat = System.nanoTime();
    private int phase;

    Load(TestServer server) {
      JsonObject owner = server.newUser("fg");
      JsonObject group = TestServer.json(server.post("/contact/createCommunity", Map.of("name", "faults"),
          owner.getString("Identity")));
      groupId = group.getJsonObject("Data").getLong("ID");
      for (int i = 0; i < PAIRS; i++) {
        JsonObject from = server.newUser("fs" + i);
        JsonObject to = server.newUser("fr" + i);
        senderIds.add(from.getLong("ID"));
        recipientIds.add(to.getLong("ID"));
        senders.add(ChatClient.openV2(server, from));
        recipients.add(ChatClient.openV2(server, to));
        JsonObject joined = TestServer.json(server.post("/contact/joinGroup", Map.of("comId", Long.toString(groupId)),
            to.getString("Identity")));
        assertEquals(0, joined.getInteger("Code"), joined.encode());
      }
      senderIds.add(owner.getLong("ID"));   // the group's sender, last
      senders.add(ChatClient.openV2(server, owner));
      reader = new Thread(this::read, "fault-matrix-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** Records outcomes (senders) and deliveries (recipients) as they come. */
    private void read() {
      while (running.get()) {
        boolean any = false;
        for (ChatClient s : senders) {
          for (String f = s.poll(0); f != null; f = s.poll(0)) {
            any = true;
            JsonObject frame = new JsonObject(f);
            String id = frame.getString("clientMsgId");
            if ("ack".equals(frame.getString("Type"))) {
              outcome.put(id, "ack");
              ackedAt.putIfAbsent(id, System.nanoTime());
            } else if (id != null && Integer.valueOf(-1).equals(frame.getInteger("Type"))) {
              outcome.put(id, frame.getString("Error"));
            }
          }
        }
        for (int i = 0; i < recipients.size(); i++) {
          for (String f = recipients.get(i).poll(0); f != null; f = recipients.get(i).poll(0)) {
            any = true;
            JsonObject frame = new JsonObject(f);
            if ("msg".equals(frame.getString("Type"))) {
              String key = frame.getJsonObject("message").getString("Content") + "@" + recipientIds.get(i);
              delivered.merge(key, 1, Integer::sum);
              deliveredAt.put(key, System.nanoTime());
            }
          }
        }
        if (System.nanoTime() - lastHeartbeat > HEARTBEAT_NANOS) {   // as real clients do: idle ones are closed
          lastHeartbeat = System.nanoTime();
          for (int i = 0; i < senders.size(); i++) {
            senders.get(i).send(ChatContract.heartbeat(senderIds.get(i)));
          }
          for (int i = 0; i < recipients.size(); i++) {
            recipients.get(i).send(ChatContract.heartbeat(recipientIds.get(i)));
          }
        }
        if (!any) {
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    /** Load before, during and after the fault; then the figures. */
    Result through(Fault fault) throws Exception {
      phase++;
      List<String> ids = new ArrayList<>();
      long start = System.nanoTime();
      long faultAt = start + TimeUnit.SECONDS.toNanos(2);
      long backAt = faultAt + TimeUnit.SECONDS.toNanos(FAULT_SECONDS);
      long endAt = backAt + TimeUnit.SECONDS.toNanos(4);
      boolean injected = false;
      boolean recovered = false;
      long actualBack = 0;
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
      for (long n = 0, next = start; ; n++, next += intervalNanos) {
        long now = System.nanoTime();
        if (!injected && now >= faultAt) {
          fault.inject().run();
          injected = true;
        }
        if (!recovered && now >= backAt) {
          fault.recover().run();
          recovered = true;
          actualBack = System.nanoTime();
        }
        if (now >= endAt) {
          break;
        }
        if (next > now) {
          TimeUnit.NANOSECONDS.sleep(next - now);
        }
        ids.add(send(n));
      }
      return settle(fault, ids, faultAt, actualBack);
    }

    /** One message in {@code PAIRS + 1} goes to the group, the others to the private pairs in turn. */
    private String send(long n) {
      String id = "p" + phase + "-" + n;
      int pair = (int) (n % (PAIRS + 1));
      boolean toGroup = pair == PAIRS;
      JsonObject frame = toGroup
          ? ChatContract.groupText(senderIds.get(PAIRS), groupId, id)
          : ChatContract.text(senderIds.get(pair), recipientIds.get(pair), id);
      expectedAt.put(id, toGroup ? recipientIds : List.of(recipientIds.get(pair)));
      sentAt.put(id, System.nanoTime());
      senders.get(pair).send(frame.put("clientMsgId", id));
      return id;
    }

    private Result settle(Fault fault, List<String> ids, long faultAt, long backAt) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline && ids.stream().anyMatch(id -> !outcome.containsKey(id))) {
        Thread.sleep(50);
      }
      Thread.sleep(3_000);   // deliveries of what was stored last, and of writes whose outcome was unknown
      long acked = 0;
      long unavailable = 0;
      long unknown = 0;
      long deliveries = 0;
      long during = 0;
      long lost = 0;
      long twice = 0;
      long lied = 0;
      long firstAckAfter = -1;
      long lastDeliveryAfter = 0;
      for (String id : ids) {
        String o = outcome.getOrDefault(id, "none");
        if (o.equals("ack")) {
          acked++;
          long at = ackedAt.get(id);
          if (at >= backAt && (firstAckAfter < 0 || at - backAt < firstAckAfter)) {
            firstAckAfter = at - backAt;
          }
        } else if (o.equals("unavailable")) {
          unavailable++;
        } else if (o.equals("unknown")) {
          unknown++;
        }
        for (Long to : expectedAt.get(id)) {
          String key = id + "@" + to;
          int count = delivered.getOrDefault(key, 0);
          deliveries += count;
          if (count > 1) {
            twice++;
          }
          if (count == 0 && o.equals("ack")) {
            lost++;
          }
          if (count > 0 && o.equals("unavailable")) {
            lied++;
          }
          Long at = deliveredAt.get(key);
          if (at != null && at >= faultAt && at < backAt) {
            during++;
          }
          if (at != null && at >= backAt && sentAt.get(id) < backAt) {
            lastDeliveryAfter = Math.max(lastDeliveryAfter, at - backAt);
          }
        }
      }
      Map<String, Long> codes = new java.util.TreeMap<>();
      ids.forEach(id -> codes.merge(outcome.getOrDefault(id, "none"), 1L, Long::sum));
      LOG.info("{}: outcomes {}", fault.name(), codes);
      return new Result(fault.name(), fault.deliveryMustGoOn(), ids.size(), acked, unavailable, unknown, deliveries,
          during, lost, twice, lied, firstAckAfter < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstAckAfter),
          TimeUnit.NANOSECONDS.toMillis(lastDeliveryAfter));
    }

    @Override
    public void close() {
      running.set(false);
      senders.forEach(ChatClient::close);
      recipients.forEach(ChatClient::close);
    }
  }
}
