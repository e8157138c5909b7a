package michat.user;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import michat.contract.UserApi.GroupInfo;
import michat.contract.UserApi.SessionState;
import michat.contract.UserApi.UserInfo;
import michat.model.Conversations;
import michat.storage.Database;

/**
 * All SQL of user-service: users, friends and groups. The same statements run on MySQL/MariaDB and
 * on H2 in MySQL mode. New ids are read back by their unique name rather than through
 * driver-specific generated-key APIs, so one code path serves both stores.
 *
 * <p>Every write goes through {@link Database#write} (a transaction; why: see there).
 */
public final class UserRepository {
  /** Contact kinds, as in the original's contact table. */
  static final int FRIEND = 1;
  static final int MEMBER = 2;
  /** The most users {@code /user/getUserList} returns. */
  static final int LIST_LIMIT = 1000;

  private static final String USER_COLUMNS = "u.id, u.name, u.phone, u.email, u.avatar, u.client_ip, u.client_port,"
      + " u.device_info, u.login_time, u.heartbeat_time, u.login_out_time, u.is_logout, u.created_at, u.updated_at";
  private static final String GROUP_COLUMNS = "g.id, g.name, g.owner_id, g.img, g.description, g.history_visible, g.created_at,"
      + " g.updated_at";

  /** Columns a profile update may set. */
  static final Set<String> UPDATABLE = Set.of("name", "phone", "email", "avatar");

  private final Pool pool;

  public UserRepository(Pool pool) {
    this.pool = pool;
  }

  /** The stored password hash of a user, kept apart from the user JSON so it can never leak into a reply. */
  public record Credentials(long id, String passwordHash, int tokenGeneration) {}

  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  // ---- users ----

  public Future<UserInfo> insertUser(String name, String passwordHash) {
    LocalDateTime now = now();
    return write(tx -> tx
        .preparedQuery("INSERT INTO users (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)")
        .execute(Tuple.of(name, passwordHash, now, now))
        .compose(r -> one(tx, "SELECT " + USER_COLUMNS + " FROM users u WHERE u.name = ?", Tuple.of(name),
            UserRepository::user))
        .map(Optional::orElseThrow));
  }

  public Future<Optional<UserInfo>> findUserById(long id) {
    return one(pool, "SELECT " + USER_COLUMNS + " FROM users u WHERE u.id = ?", Tuple.of(id), UserRepository::user);
  }

  public Future<Optional<UserInfo>> findUserByName(String name) {
    return one(pool, "SELECT " + USER_COLUMNS + " FROM users u WHERE u.name = ?", Tuple.of(name), UserRepository::user);
  }

  public Future<Optional<Credentials>> findCredentials(String name) {
    return one(pool, "SELECT id, password_hash, token_generation FROM users WHERE name = ?", Tuple.of(name),
        UserRepository::credentials);
  }

  public Future<Optional<Credentials>> findCredentials(long id) {
    return one(pool, "SELECT id, password_hash, token_generation FROM users WHERE id = ?", Tuple.of(id),
        UserRepository::credentials);
  }

  private static Credentials credentials(Row row) {
    return new Credentials(row.getLong("id"), row.getString("password_hash"), row.getInteger("token_generation"));
  }

  // ---- sessions ----

  /** The user's token generation and the sessions ended by a logout that have not yet expired. */
  public Future<SessionState> sessionState(long userId) {
    return pool.preparedQuery("SELECT u.token_generation, r.session_id FROM users u LEFT JOIN revoked_sessions r"
            + " ON r.user_id = u.id AND r.expires_at > ? WHERE u.id = ?")
        .execute(Tuple.of(now(), userId))
        .map(rows -> {
          if (rows.size() == 0) {
            return new SessionState(false, 0, List.of());
          }
          int generation = 0;
          List<String> revoked = new ArrayList<>();
          for (Row r : rows) {
            generation = r.getInteger(0);
            if (r.getString(1) != null) {
              revoked.add(r.getString(1));
            }
          }
          return new SessionState(true, generation, revoked);
        });
  }

  /**
   * Records a logged-out session until its token expires; the user's expired records go at the same
   * time, so the table holds only sessions whose tokens could still be presented. Idempotent.
   */
  public Future<Void> revokeSession(long userId, String sessionId, LocalDateTime expiresAt) {
    LocalDateTime now = now();
    return write(tx -> tx.preparedQuery("DELETE FROM revoked_sessions WHERE user_id = ? AND (expires_at <= ? OR session_id = ?)")
        .execute(Tuple.of(userId, now, sessionId))
        .compose(r -> tx.preparedQuery("INSERT INTO revoked_sessions (session_id, user_id, expires_at) VALUES (?, ?, ?)")
            .execute(Tuple.of(sessionId, userId, expiresAt)))
        .mapEmpty());
  }

  public Future<List<UserInfo>> listUsers() {
    return pool.preparedQuery("SELECT " + USER_COLUMNS + " FROM users u ORDER BY u.id LIMIT " + LIST_LIMIT)
        .execute().map(rows -> list(rows, UserRepository::user));
  }

  public Future<Void> recordLogin(long id, String clientIp, String clientPort, String deviceInfo) {
    LocalDateTime now = now();
    return write(tx -> tx.preparedQuery("UPDATE users SET login_time = ?, heartbeat_time = ?, is_logout = 0,"
            + " client_ip = ?, client_port = ?, device_info = ? WHERE id = ?")
        .execute(Tuple.of(now, now, clientIp, clientPort, deviceInfo, id)).mapEmpty());
  }

  /**
   * Sets the given profile fields (columns of {@link #UPDATABLE}) and, when not null, a new password hash,
   * which also bumps the user's token generation (ending every session issued before). Column names
   * come from the fixed map, never from input. Returns the user's token generation as this update left
   * it, read in its own transaction (so a concurrent password change cannot be mistaken for it).
   */
  public Future<Integer> updateUser(long id, Map<String, String> fields, String newPasswordHash) {
    List<String> sets = new ArrayList<>();
    Tuple params = Tuple.tuple();
    fields.forEach((field, value) -> {
      if (!UPDATABLE.contains(field)) {
        throw new IllegalArgumentException("not an updatable column: " + field);
      }
      sets.add(field + " = ?");
      params.addValue(value);
    });
    if (newPasswordHash != null) {
      sets.add("password_hash = ?");
      params.addValue(newPasswordHash);
      sets.add("token_generation = token_generation + 1");
    }
    sets.add("updated_at = ?");
    params.addValue(now());
    params.addValue(id);
    return write(tx -> tx.preparedQuery("UPDATE users SET " + String.join(", ", sets) + " WHERE id = ?")
        .execute(params)
        .compose(r -> one(tx, "SELECT token_generation FROM users WHERE id = ?", Tuple.of(id), row -> row.getInteger(0)))
        .map(generation -> generation.orElse(0)));
  }

  /** Deletes a user with their friendships (both directions) and memberships. */
  public Future<Void> deleteUser(long id) {
    return write(tx -> tx
        .preparedQuery("DELETE FROM contacts WHERE owner_id = ? OR (target_id = ? AND kind = " + FRIEND + ")")
        .execute(Tuple.of(id, id))
        .compose(r -> tx.preparedQuery("DELETE FROM revoked_sessions WHERE user_id = ?").execute(Tuple.of(id)))
        .compose(r -> tx.preparedQuery("DELETE FROM users WHERE id = ?").execute(Tuple.of(id)))
        .mapEmpty());
  }

  // ---- friends ----

  public Future<List<UserInfo>> friends(long userId) {
    return pool.preparedQuery("SELECT " + USER_COLUMNS + " FROM contacts c JOIN users u ON u.id = c.target_id"
            + " WHERE c.owner_id = ? AND c.kind = " + FRIEND + " ORDER BY u.id")
        .execute(Tuple.of(userId)).map(rows -> list(rows, UserRepository::user));
  }

  public Future<Boolean> hasContact(long ownerId, int kind, long targetId) {
    return pool.preparedQuery("SELECT 1 FROM contacts WHERE owner_id = ? AND kind = ? AND target_id = ?")
        .execute(Tuple.of(ownerId, kind, targetId)).map(rows -> rows.size() > 0);
  }

  /** Both directions in one transaction, as the original does. */
  public Future<Void> addFriends(long a, long b) {
    LocalDateTime now = now();
    return write(tx -> insertContact(tx, a, FRIEND, b, now)
        .compose(v -> insertContact(tx, b, FRIEND, a, now)));
  }

  // ---- groups ----

  /** Creates the group and makes the owner its first member, in one transaction. */
  public Future<GroupInfo> insertGroup(long ownerId, String name, String img, String desc, boolean historyVisible) {
    LocalDateTime now = now();
    return write(tx -> tx
        .preparedQuery("INSERT INTO communities (name, owner_id, img, description, history_visible, created_at,"
            + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .execute(Tuple.of(name, ownerId, img, desc, historyVisible ? 1 : 0, now, now))
        .compose(r -> one(tx, "SELECT " + GROUP_COLUMNS + " FROM communities g WHERE g.name = ?", Tuple.of(name),
            UserRepository::group))
        .map(Optional::orElseThrow)
        .compose(group -> insertContact(tx, ownerId, MEMBER, group.id(), now).map(group)));
  }

  public Future<Optional<GroupInfo>> findGroupById(long id) {
    return one(pool, "SELECT " + GROUP_COLUMNS + " FROM communities g WHERE g.id = ?", Tuple.of(id), UserRepository::group);
  }

  public Future<Optional<GroupInfo>> findGroupByName(String name) {
    return one(pool, "SELECT " + GROUP_COLUMNS + " FROM communities g WHERE g.name = ?", Tuple.of(name),
        UserRepository::group);
  }

  /** The user's groups, each with its join point: where the user's part of its history starts. */
  public Future<List<GroupInfo>> groupsOf(long userId) {
    return pool.preparedQuery("SELECT " + GROUP_COLUMNS + ", c.joined_at_seq FROM contacts c"
            + " JOIN communities g ON g.id = c.target_id WHERE c.owner_id = ? AND c.kind = " + MEMBER + " ORDER BY g.id")
        .execute(Tuple.of(userId))
        .map(rows -> list(rows, r -> group(r, r.getLong("joined_at_seq"))));
  }

  /**
   * Adds the member with the group's last sequence number as its join point. The counter row (the
   * router's, {@code conversation_seq}) is read with a lock held until the membership commits, so no
   * message is numbered in between: every message at or below the join point was stored before the
   * user was a member, every one above it after. A group without messages yet has no row to lock:
   * 0, and a first message stored at that very moment is readable by the new member too.
   */
  public Future<Void> addMember(long userId, long groupId) {
    return write(tx -> tx.preparedQuery("SELECT last_seq FROM conversation_seq WHERE conversation = ? FOR UPDATE")
        .execute(Tuple.of(Conversations.group(groupId)))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("last_seq"))
        .compose(joinedAt -> tx.preparedQuery("INSERT INTO contacts (owner_id, target_id, kind, created_at, joined_at_seq)"
                + " VALUES (?, ?, ?, ?, ?)")
            .execute(Tuple.of(userId, groupId, MEMBER, now(), joinedAt)))
        .mapEmpty());
  }

  public Future<Void> setHistoryVisible(long groupId, boolean visible) {
    return write(tx -> tx.preparedQuery("UPDATE communities SET history_visible = ?, updated_at = ? WHERE id = ?")
        .execute(Tuple.of(visible ? 1 : 0, now(), groupId)).mapEmpty());
  }

  public Future<Long> memberCount(long groupId) {
    return pool.preparedQuery("SELECT COUNT(*) AS n FROM contacts WHERE target_id = ? AND kind = " + MEMBER)
        .execute(Tuple.of(groupId)).map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Member ids in order, and the join points that are not 0. */
  public record Members(List<Long> ids, Map<Long, Long> joinedAtSeq) {}

  public Future<Members> members(long groupId) {
    return pool.preparedQuery("SELECT owner_id, joined_at_seq FROM contacts WHERE target_id = ? AND kind = " + MEMBER
            + " ORDER BY owner_id")
        .execute(Tuple.of(groupId)).map(rows -> {
          List<Long> ids = new ArrayList<>();
          Map<Long, Long> joinedAt = new HashMap<>();
          rows.forEach(row -> {
            ids.add(row.getLong("owner_id"));
            if (row.getLong("joined_at_seq") > 0) {
              joinedAt.put(row.getLong("owner_id"), row.getLong("joined_at_seq"));
            }
          });
          return new Members(ids, joinedAt);
        });
  }

  // ---- bulk seeding for the load generator (only reachable with bench.seedSecret set) ----

  /** Rows per INSERT batch and per transaction when seeding. */
  static final int SEED_BATCH = 1000;

  /**
   * Inserts users {@code prefix-0 .. prefix-(n-1)}, all with the same password hash, in batches;
   * returns their ids in index order. {@code prefix} must contain no LIKE wildcard.
   */
  public Future<List<Long>> bulkInsertUsers(String prefix, int n, String passwordHash) {
    LocalDateTime now = now();
    List<List<Tuple>> batches = new ArrayList<>();
    for (int from = 0; from < n; from += SEED_BATCH) {
      List<Tuple> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + SEED_BATCH); i++) {
        batch.add(Tuple.of(prefix + "-" + i, passwordHash, now, now));
      }
      batches.add(batch);
    }
    return inBatches("INSERT INTO users (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)", batches)
        .compose(v -> idsByPrefix("SELECT id, name FROM users WHERE name LIKE ?", prefix + "-%", prefix, n));
  }

  /** Friendships in both directions, as {@code [a, b]} id pairs. */
  public Future<Void> bulkAddFriends(List<long[]> pairs) {
    LocalDateTime now = now();
    List<Tuple> rows = new ArrayList<>();
    for (long[] p : pairs) {
      rows.add(Tuple.of(p[0], p[1], FRIEND, now));
      rows.add(Tuple.of(p[1], p[0], FRIEND, now));
    }
    return inBatches(CONTACT_INSERT, chunks(rows));
  }

  /**
   * Groups {@code prefix-g0 ..}, group j owned by the first of {@code members.get(j)}, with those
   * members; returns the group ids in order.
   */
  public Future<List<Long>> bulkInsertGroups(String prefix, List<List<Long>> members) {
    LocalDateTime now = now();
    List<Tuple> groups = new ArrayList<>();
    for (int j = 0; j < members.size(); j++) {
      groups.add(Tuple.of(prefix + "-g" + j, members.get(j).get(0), now, now));
    }
    return inBatches("INSERT INTO communities (name, owner_id, created_at, updated_at) VALUES (?, ?, ?, ?)", chunks(groups))
        .compose(v -> idsByPrefix("SELECT id, name FROM communities WHERE name LIKE ?", prefix + "-g%", prefix + "-g",
            members.size()))
        .compose(ids -> {
          List<Tuple> rows = new ArrayList<>();
          for (int j = 0; j < ids.size(); j++) {
            for (long member : members.get(j)) {
              rows.add(Tuple.of(member, ids.get(j), MEMBER, now));
            }
          }
          return inBatches(CONTACT_INSERT, chunks(rows)).map(ids);
        });
  }

  private static final String CONTACT_INSERT = "INSERT INTO contacts (owner_id, target_id, kind, created_at) VALUES (?, ?, ?, ?)";

  private static List<List<Tuple>> chunks(List<Tuple> rows) {
    List<List<Tuple>> out = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += SEED_BATCH) {
      out.add(rows.subList(from, Math.min(rows.size(), from + SEED_BATCH)));
    }
    return out;
  }

  /** One transaction per batch, one after the other. */
  private Future<Void> inBatches(String sql, List<List<Tuple>> batches) {
    Future<Void> chain = Future.succeededFuture();
    for (List<Tuple> batch : batches) {
      chain = chain.compose(v -> write(tx -> tx.preparedQuery(sql).executeBatch(batch).mapEmpty()));
    }
    return chain;
  }

  /** Ids of rows named {@code namePrefix<i>} for i in [0, n), in index order. */
  private Future<List<Long>> idsByPrefix(String sql, String like, String prefix, int n) {
    return pool.preparedQuery(sql).execute(Tuple.of(like)).map(rows -> {
      Long[] ids = new Long[n];
      String start = prefix.endsWith("-g") ? prefix : prefix + "-";
      for (Row r : rows) {
        String name = r.getString("name");
        int i = Integer.parseInt(name.substring(start.length()));
        if (i >= 0 && i < n) {
          ids[i] = r.getLong("id");
        }
      }
      List<Long> out = new ArrayList<>(n);
      for (Long id : ids) {
        if (id == null) {
          throw new IllegalStateException("seeded row missing under " + start);
        }
        out.add(id);
      }
      return out;
    });
  }

  // ---- helpers ----

  private <T> Future<T> write(java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<T>> work) {
    return Database.write(pool, work);
  }

  private static Future<Void> insertContact(SqlClient client, long owner, int kind, long target, LocalDateTime now) {
    return client.preparedQuery("INSERT INTO contacts (owner_id, target_id, kind, created_at) VALUES (?, ?, ?, ?)")
        .execute(Tuple.of(owner, target, kind, now)).mapEmpty();
  }

  private static <T> Future<Optional<T>> one(SqlClient client, String sql, Tuple params,
                                             java.util.function.Function<Row, T> mapper) {
    return client.preparedQuery(sql).execute(params).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Optional.of(mapper.apply(it.next())) : Optional.empty();
    });
  }

  private static <T> List<T> list(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(row -> out.add(mapper.apply(row)));
    return out;
  }

  private static UserInfo user(Row r) {
    return new UserInfo(r.getLong("id"), r.getString("name"), r.getString("phone"), r.getString("email"),
        r.getString("avatar"), r.getString("client_ip"), r.getString("client_port"), r.getString("device_info"),
        time(r.getLocalDateTime("login_time")), time(r.getLocalDateTime("heartbeat_time")),
        time(r.getLocalDateTime("login_out_time")), r.getInteger("is_logout") != 0,
        time(r.getLocalDateTime("created_at")), time(r.getLocalDateTime("updated_at")));
  }

  private static GroupInfo group(Row r) {
    return group(r, 0);
  }

  private static GroupInfo group(Row r, long joinedAtSeq) {
    return new GroupInfo(r.getLong("id"), r.getString("name"), r.getLong("owner_id"), r.getString("img"),
        r.getString("description"), r.getInteger("history_visible") != 0, time(r.getLocalDateTime("created_at")),
        time(r.getLocalDateTime("updated_at")), joinedAtSeq);
  }

  private static String time(LocalDateTime t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC).toString();
  }

  private static LocalDateTime now() {
    // Millisecond precision: both stores keep DATETIME(3).
    long ms = System.currentTimeMillis();
    return LocalDateTime.ofEpochSecond(ms / 1000, (int) (ms % 1000) * 1_000_000, ZoneOffset.UTC);
  }
}
