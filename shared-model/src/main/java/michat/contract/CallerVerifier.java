package michat.contract;

import io.vertx.core.Future;

/** Checks that a {@link Caller}'s token is a valid session of its user; fails with 401 otherwise. */
@FunctionalInterface
public interface CallerVerifier {
  Future<?> verify(Caller caller);

  /** For JVMs that only call services and serve nothing acting for users. */
  CallerVerifier NONE = caller -> Future.failedFuture(new IllegalStateException("this ServiceBus cannot verify callers"));
}
