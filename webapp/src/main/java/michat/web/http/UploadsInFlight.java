package michat.web.http;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/** Uploads each user is sending right now on this node, counted over all HTTP instances (event loops). */
final class UploadsInFlight {
  private final LocalMap<Long, Integer> counts;
  private final int maxPerUser;

  UploadsInFlight(Vertx vertx, int maxPerUser) {
    this.counts = vertx.sharedData().getLocalMap("michat.upload.inflight");
    this.maxPerUser = maxPerUser;
  }

  /** Counts one more upload of the user; false (and nothing counted) beyond the limit. */
  boolean acquire(long userId) {
    if (counts.merge(userId, 1, Integer::sum) > maxPerUser) {
      release(userId);
      return false;
    }
    return true;
  }

  void release(long userId) {
    counts.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
  }
}
