package michat.presence;

import io.vertx.core.Vertx;

/** The contract on Vert.x shared data (the embedded default). */
class SharedDataPresenceStoreTest extends PresenceStoreContract {
  @Override
  PresenceStore create(Vertx vertx) {
    return new SharedDataPresenceStore(vertx, 3600);
  }
}
