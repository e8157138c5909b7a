package michat.user;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalLong;
import michat.contract.Refusal;
import michat.model.Failures;

/**
 * Throttles password guessing and name probing: failed logins per account name and per client
 * address, refused registrations (name taken) per client address, each with {@link FailureThrottle}'s
 * growing locks. A locked request is answered at once with 429, "尝试次数过多，请 N 秒后再试" and
 * Retry-After N, before any password work.
 *
 * <p>In memory, per user-service JVM: with several user-service nodes each counts on its own, so an
 * attacker spread over them gets that many times the free failures. An address's count is never
 * reset by a success (an attacker may own an account); it is forgotten when the address stays quiet.
 */
final class AccountThrottle {
  /** A failure that counts against the keys: a wrong password, or a name that turned out to be taken. */
  private static final int LOGIN_FAILED = Failures.UNAUTHORIZED;
  private static final int NAME_TAKEN = Failures.CONFLICT;

  private static final int NAME_KEY_MAX = 2 * AccountRules.NAME_MAX;

  private final FailureThrottle accounts;
  private final FailureThrottle addresses;

  AccountThrottle(FailureThrottle.Policy account, FailureThrottle.Policy address) {
    this.accounts = new FailureThrottle(account);
    this.addresses = new FailureThrottle(address);
  }

  /** A login attempt for {@code name} from {@code clientIp}, or a 429 failure. */
  Future<Attempt> login(String name, String clientIp) {
    // Login does not bound the name (an unknown one is answered like any other): the key is, so that
    // remembered names stay small. No account has a longer name, so nothing is lost by cutting.
    return begin(name.length() <= NAME_KEY_MAX ? name : name.substring(0, NAME_KEY_MAX), addressKey(clientIp));
  }

  /** A registration from {@code clientIp}, or a 429 failure. */
  Future<Attempt> registration(String clientIp) {
    return begin(null, addressKey(clientIp));
  }

  void sweep(long now) {
    accounts.sweep(now);
    addresses.sweep(now);
  }

  private Future<Attempt> begin(String account, String address) {
    long now = System.currentTimeMillis();
    OptionalLong wait = account == null ? OptionalLong.empty() : accounts.tryBegin(account, now);
    if (wait.isEmpty()) {
      wait = addresses.tryBegin(address, now);
      if (wait.isPresent() && account != null) {
        accounts.ended(account);
      }
    }
    if (wait.isPresent()) {
      long seconds = wait.getAsLong();
      return Refusal.TOO_MANY_ATTEMPTS.fail(seconds);
    }
    return Future.succeededFuture(new Attempt(account, address));
  }

  /**
   * Client addresses as keys: IPv4 as is, IPv6 by its /64 (one subscriber usually holds a whole /64,
   * so single addresses would be free for the asking).
   */
  static String addressKey(String clientIp) {
    if (clientIp == null || clientIp.isEmpty() || clientIp.indexOf(':') < 0) {
      return clientIp == null ? "" : clientIp;
    }
    try {
      byte[] bytes = InetAddress.getByName(clientIp).getAddress();
      return bytes.length == 16 ? HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) + "::/64" : clientIp;
    } catch (UnknownHostException e) {
      return clientIp;
    }
  }

  /** One admitted attempt; {@link #settle} records how it ended. */
  final class Attempt {
    private final String account;
    private final String address;

    private Attempt(String account, String address) {
      this.account = account;
      this.address = address;
    }

    void settle(AsyncResult<?> result) {
      long now = System.currentTimeMillis();
      int code = result.succeeded() ? 0 : Failures.codeOf(result.cause());
      if (code == LOGIN_FAILED || code == NAME_TAKEN) {
        addresses.failed(address, now);
        if (account != null) {
          accounts.failed(account, now);
        }
      } else {
        addresses.ended(address);
        if (account != null) {
          if (result.succeeded()) {
            accounts.succeeded(account);
          } else {
            accounts.ended(account);
          }
        }
      }
    }
  }
}
