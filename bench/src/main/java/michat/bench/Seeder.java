package michat.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Seeds users, ring friendships and groups through the server's bulk route
 * {@code POST /admin/bench-seed} (enabled on the server by {@code bench.seedSecret}): one request,
 * a few batched transactions, a session token per user back — instead of a registration and a login
 * per user.
 */
final class Seeder {
  static final String PATH = "/admin/bench-seed";
  static final String HEADER = "X-Michat-Bench-Secret";

  record Seed(List<BenchSession> sessions, long[] groupIds, List<int[]> groupMembers, long millis) {}

  static Seed seed(HttpClient http, BenchOptions o, int users, int friends, int groups, int groupSize) {
    if (o.seedSecret.isEmpty()) {
      throw new IllegalStateException("seeding needs the server's bench.seedSecret: start michat with"
          + " MICHAT_BENCH_SEED_SECRET=<32+ characters> and pass the same with --seed-secret or the same variable");
    }
    String prefix = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    JsonObject req = new JsonObject().put("prefix", prefix).put("users", users).put("password", "bench-" + prefix)
        .put("friends", friends).put("groups", groups).put("groupSize", groupSize);
    long t0 = System.currentTimeMillis();
    Future<JsonObject> f = http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(o.url + PATH)
            .putHeader(HEADER, o.seedSecret).putHeader("Content-Type", "application/json")
            .setTimeout(15 * 60_000L))
        .compose(r -> r.send(req.toBuffer()))
        .compose(resp -> resp.body().map(body -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("seeding failed: HTTP " + resp.statusCode() + " " + body);
          }
          return new JsonObject((Buffer) body);
        }));
    JsonObject reply;
    try {
      reply = f.await(16, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    JsonArray us = reply.getJsonArray("users");
    List<BenchSession> sessions = new ArrayList<>(us.size());
    java.util.Map<Long, Integer> indexOf = new java.util.HashMap<>();
    for (int i = 0; i < us.size(); i++) {
      JsonObject u = us.getJsonObject(i);
      sessions.add(new BenchSession(i, u.getLong("id"), u.getString("token")));
      indexOf.put(u.getLong("id"), i);
    }
    JsonArray gs = reply.getJsonArray("groups");
    long[] groupIds = new long[gs.size()];
    List<int[]> members = new ArrayList<>();
    List<List<Integer>> groupsOfUser = new ArrayList<>();
    sessions.forEach(s -> groupsOfUser.add(new ArrayList<>()));
    for (int g = 0; g < gs.size(); g++) {
      JsonObject group = gs.getJsonObject(g);
      groupIds[g] = group.getLong("id");
      JsonArray m = group.getJsonArray("members");
      int[] idx = new int[m.size()];
      for (int k = 0; k < m.size(); k++) {
        idx[k] = indexOf.get(m.getLong(k));
        groupsOfUser.get(idx[k]).add(g);
      }
      members.add(idx);
    }
    for (BenchSession s : sessions) {
      s.groups = groupsOfUser.get(s.index).stream().mapToInt(Integer::intValue).toArray();
    }
    return new Seed(sessions, groupIds, members, System.currentTimeMillis() - t0);
  }
}
