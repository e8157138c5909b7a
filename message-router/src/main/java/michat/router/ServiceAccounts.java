package michat.router;

import io.vertx.core.Future;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import michat.contract.Caller;
import michat.contract.Refusal;
import michat.contract.ServiceBus;
import michat.contract.UserApi;

/**
 * The accounts the operator lists in {@code services.accounts}: only they may read every user's
 * messages (the stream's catch-up) and anyone's presence over michat.v1. A caller (already verified)
 * is looked up by id and its current name compared; an account found listed is remembered for
 * {@link Membership#TTL_MS}. Used from the router verticle's event loop only.
 */
final class ServiceAccounts {
  private final Set<String> names;
  private final ServiceBus bus;
  private final Map<Long, Long> listedUntil = new HashMap<>();

  ServiceAccounts(String configured, ServiceBus bus) {
    this.names = Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    this.bus = bus;
  }

  /** Completes when the caller's account is listed; fails with {@link Refusal#NOT_A_SERVICE_ACCOUNT} otherwise. */
  Future<Void> check(Caller caller) {
    Long until = listedUntil.get(caller.userId());
    if (until != null && until > System.currentTimeMillis()) {
      return Future.succeededFuture();
    }
    if (names.isEmpty()) {
      return Refusal.NOT_A_SERVICE_ACCOUNT.fail("services.accounts lists none");
    }
    return bus.request(UserApi.FIND, new UserApi.FindUser(caller, caller.userId())).compose(user -> {
      if (!names.contains(user.name())) {
        return Refusal.NOT_A_SERVICE_ACCOUNT.fail(user.name());
      }
      listedUntil.put(caller.userId(), System.currentTimeMillis() + Membership.TTL_MS);
      return Future.succeededFuture();
    });
  }
}
