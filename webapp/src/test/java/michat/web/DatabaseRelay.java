package michat.web;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay to the machine's MariaDB that a test can {@link #freeze} — connections stay open and
 * nothing passes either way, new ones are accepted and wait, as with a database stopped by SIGSTOP
 * (what was sent meanwhile is carried out after the {@link #thaw}) — or {@link #cut}, as a killed
 * database: every connection dropped and new ones refused. The shared MariaDB itself is never touched.
 * Everything runs on one event loop, the test's commands included.
 */
final class DatabaseRelay implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  private NetServer server;
  private NetClient client;
  private final List<NetSocket> open = new ArrayList<>();
  private final List<NetSocket> waiting = new ArrayList<>();
  private boolean frozen;
  private boolean down;

  int listen() {
    onLoop(() -> {
      client = vertx.createNetClient();
      server = vertx.createNetServer().connectHandler(this::accepted);
    });
    Promise<Integer> port = Promise.promise();
    loop.runOnContext(v -> server.listen(0, "127.0.0.1").map(s -> s.actualPort()).onComplete(port));
    return TestServer.await(port.future());
  }

  private void accepted(NetSocket from) {
    from.pause();
    if (down) {
      from.close();
    } else if (frozen) {
      waiting.add(from);
    } else {
      connect(from);
    }
  }

  private void connect(NetSocket from) {
    client.connect(3306, "127.0.0.1").onSuccess(db -> {
      open.add(from);
      open.add(db);
      from.handler(db::write);
      db.handler(from::write);
      from.closeHandler(v -> db.close());
      db.closeHandler(v -> from.close());
      if (frozen) {
        db.pause();
      } else {
        from.resume();
      }
    }).onFailure(err -> from.close());
  }

  /** Nothing passes from now on; bytes sent wait in the sockets' buffers. */
  void freeze() {
    onLoop(() -> {
      frozen = true;
      open.forEach(NetSocket::pause);
    });
  }

  /** What waited passes, in order; connections opened meanwhile reach the database. */
  void thaw() {
    onLoop(() -> {
      frozen = false;
      open.forEach(NetSocket::resume);
      waiting.forEach(this::connect);
      waiting.clear();
    });
  }

  /** As a killed database: every connection dropped, new ones refused until {@link #restore}. */
  void cut() {
    onLoop(() -> {
      down = true;
      open.forEach(NetSocket::close);
      open.clear();
    });
  }

  void restore() {
    onLoop(() -> down = false);
  }

  private void onLoop(Runnable action) {
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> {
      action.run();
      done.complete();
    });
    TestServer.await(done.future());
  }

  @Override
  public void close() {
    TestServer.await(vertx.close());
  }
}
