package michat.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the router relies on when it pushes: {@link PresenceStore#locate} on either store. */
abstract class PresenceStoreContract {
  protected Vertx vertx;
  protected PresenceStore store;

  abstract PresenceStore create(Vertx vertx) throws Exception;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    store = create(vertx);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The result as a set of users per node (checking that nobody is listed twice on one), for comparison. */
  private Map<String, Set<Long>> locate(List<Long> users) throws Exception {
    Map<String, Set<Long>> sorted = new TreeMap<>();
    await(store.locate(users)).forEach((node, ids) -> {
      assertEquals(new HashSet<>(ids).size(), ids.size(), "a user listed twice on node " + node);
      sorted.put(node, new HashSet<>(ids));
    });
    return sorted;
  }

  @Test
  void locateListsEachLiveNodeOfEachUserOnce() throws Exception {
    await(store.nodeAlive("node-a", "i1"));
    await(store.nodeAlive("node-b", "i1"));
    await(store.connect(1, "node-a", "s1"));
    await(store.connect(2, "node-a", "s2"));
    await(store.connect(2, "node-b", "s3"));
    await(store.connect(2, "node-b", "s4"));   // two sessions on one node: listed once
    await(store.connect(3, "node-b", "s5"));
    await(store.connect(5, "node-dead", "s6"));   // a node that never said it is alive

    assertEquals(Map.of("node-a", Set.of(1L, 2L), "node-b", Set.of(2L, 3L)), locate(List.of(1L, 2L, 3L, 4L, 5L, 2L)),
        "user 4 has no session, user 5 only one on a dead node; a repeated id changes nothing");
    assertEquals(Map.of(), locate(List.of(4L, 5L)));
    assertEquals(Map.of(), locate(List.of()));

    await(store.disconnect(2, "node-a", "s2"));
    assertEquals(Map.of("node-a", Set.of(1L), "node-b", Set.of(2L, 3L)), locate(List.of(1L, 2L, 3L)));
  }

  @Test
  void locateAnswersForThousandsOfUsersAtOnce() throws Exception {
    await(store.nodeAlive("node-a", "i1"));
    await(store.nodeAlive("node-b", "i1"));
    int n = 2_345;   // two 1,000-member groups and then some: what one stored batch can ask
    List<Future<Void>> connects = new ArrayList<>();
    for (long user = 1; user <= n; user++) {
      connects.add(store.connect(user, user % 3 == 0 ? "node-b" : "node-a", "s" + user));
    }
    await(Future.all(connects));
    List<Long> asked = new ArrayList<>(LongStream.rangeClosed(1, n + 100).boxed().toList());   // 100 offline
    Map<String, Set<Long>> found = locate(asked);
    Set<Long> onB = new HashSet<>(LongStream.rangeClosed(1, n).filter(u -> u % 3 == 0).boxed().toList());
    Set<Long> onA = new HashSet<>(LongStream.rangeClosed(1, n).filter(u -> u % 3 != 0).boxed().toList());
    assertEquals(Set.of("node-a", "node-b"), found.keySet());
    sameUsers(onA, found.get("node-a"), "node-a");
    sameUsers(onB, found.get("node-b"), "node-b");
  }

  @Test
  void heartbeatsOfThousandsOfUsersAtOnceAreTaken() throws Exception {
    await(store.nodeAlive("node-a", "i1"));
    int n = 2_345;   // a second of heartbeats of ~23,000 sessions (one every 10 s) on one gateway instance
    List<Future<Void>> connects = new ArrayList<>();
    for (long user = 1; user <= n; user++) {
      connects.add(store.connect(user, "node-a", "s" + user));
    }
    await(Future.all(connects));
    List<Long> all = LongStream.rangeClosed(1, n).boxed().toList();
    await(store.heartbeat(all, "node-a"));
    sameUsers(new HashSet<>(all), locate(all).get("node-a"), "node-a");
  }

  /** Compares large sets with a short message: how many are missing or wrong, and a few of them. */
  private static void sameUsers(Set<Long> expected, Set<Long> actual, String node) {
    Set<Long> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<Long> wrong = new TreeSet<>(actual);
    wrong.removeAll(expected);
    assertTrue(missing.isEmpty() && wrong.isEmpty(), node + ": " + missing.size() + " missing (e.g. "
        + missing.stream().limit(5).toList() + "), " + wrong.size() + " wrongly there (e.g. "
        + wrong.stream().limit(5).toList() + ")");
  }
}
