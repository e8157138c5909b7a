package michat.user;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import michat.auth.SessionTokens;
import michat.contract.UserApi;
import michat.contract.UserApi.BenchSeeded;
import michat.contract.UserApi.SeededGroup;
import michat.contract.UserApi.SeededUser;
import michat.model.Failures;
import michat.storage.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk seeding for the load generator: many users, ring friendships and groups in a few batched
 * transactions, with a session token per user, instead of one HTTP registration and login per user.
 * Only deployed when {@code bench.seedSecret} is set (and the web route checks that secret).
 *
 * <p>Request: {@link UserApi.BenchSeed}, answered only when its secret is user-service's own. User i is
 * {@code <prefix>-i}; it is friends with users i±1..i±friends (mod users); group j has the users
 * (j·groupSize + k) mod users for k in [0, groupSize), the first one owning it. All seeded users
 * share the given password, so it is hashed once (PBKDF2 with the configured iterations, a fresh
 * salt per request): per-user salts would protect nothing that one shared password does not give away.
 * Reply: each user's id and token, each group's id and members.
 */
final class BenchSeed {
  private static final Logger LOG = LoggerFactory.getLogger(BenchSeed.class);
  static final int MAX_USERS = 500_000;

  private final Vertx vertx;
  private final UserRepository repo;
  private final PasswordQueue passwords;
  private final SessionTokens tokens;
  private final byte[] secret;

  BenchSeed(Vertx vertx, UserRepository repo, PasswordQueue passwords, SessionTokens tokens, String secret) {
    this.vertx = vertx;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.repo = repo;
    this.passwords = passwords;
    this.tokens = tokens;
  }

  Future<BenchSeeded> seed(UserApi.BenchSeed req) {
    // Checked here too, not only by the web route: the reply holds a valid token of every seeded user.
    if (!MessageDigest.isEqual(secret, req.secret().getBytes(StandardCharsets.UTF_8))) {
      return Failures.fail(Failures.FORBIDDEN, "bench seeding needs the right secret");
    }
    String prefix = req.prefix();
    int n = req.users();
    String password = req.password();
    int friends = req.friends();
    int groups = req.groups();
    int groupSize = req.groupSize();
    if (!prefix.matches("[A-Za-z0-9]{1,24}") || n < 1 || n > MAX_USERS || password.isEmpty()
        || friends < 0 || friends > 50 || (friends > 0 && 2 * friends >= n)
        || groups < 0 || groups > 100_000 || (groups > 0 && (groupSize < 1 || groupSize > n))) {
      return Failures.fail(Failures.BAD_REQUEST, "bench seed: prefix [A-Za-z0-9]{1,24}, 1 <= users <= " + MAX_USERS
          + ", a password, 0 <= friends <= 50 and 2*friends < users, groupSize in [1, users]");
    }
    long started = System.currentTimeMillis();
    return passwords.hash("bench-seed", password)
        .compose(hash -> repo.bulkInsertUsers(prefix, n, hash))
        .compose(ids -> {
          List<long[]> pairs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            for (int d = 1; d <= friends; d++) {
              pairs.add(new long[] {ids.get(i), ids.get((i + d) % n)});
            }
          }
          List<List<Long>> members = new ArrayList<>();
          for (int g = 0; g < groups; g++) {
            List<Long> m = new ArrayList<>(groupSize);
            for (int k = 0; k < groupSize; k++) {
              m.add(ids.get((int) (((long) g * groupSize + k) % n)));
            }
            members.add(m);
          }
          return repo.bulkAddFriends(pairs)
              .compose(v -> groups == 0 ? Future.succeededFuture(List.<Long>of()) : repo.bulkInsertGroups(prefix, members))
              .compose(groupIds -> vertx.executeBlocking(() -> reply(ids, groupIds, members, friends), false));
        })
        .onSuccess(r -> LOG.info("bench seed {}: {} users, {} groups of {} in {} ms", prefix, n, groups, groupSize,
            System.currentTimeMillis() - started))
        .recover(err -> SqlErrors.isDuplicate(err)
            ? Failures.fail(Failures.CONFLICT, "bench seed: prefix " + prefix + " already used") : Future.failedFuture(err));
  }

  private BenchSeeded reply(List<Long> ids, List<Long> groupIds, List<List<Long>> members, int friends) {
    List<SeededUser> users = new ArrayList<>(ids.size());
    for (long id : ids) {
      users.add(new SeededUser(id, tokens.issue(id, 0)));
    }
    List<SeededGroup> groups = new ArrayList<>(groupIds.size());
    for (int g = 0; g < groupIds.size(); g++) {
      groups.add(new SeededGroup(groupIds.get(g), List.copyOf(members.get(g))));
    }
    return new BenchSeeded(users, groups, friends);
  }
}
