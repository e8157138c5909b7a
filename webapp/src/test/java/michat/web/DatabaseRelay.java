package michat.web;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay to the machine's MariaDB that a test can {@link #freeze} — connections stay open and
 * nothing passes either way, new ones are accepted and wait, as with a database stopped by SIGSTOP
 * (what was sent meanwhile is carried out after the {@link #thaw}) — or {@link #cut}, as a killed
 * database: every connection dropped and new ones refused. The shared MariaDB itself is never touched.
 */
final class DatabaseRelay implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final List<NetSocket> open = new ArrayList<>();
  private final List<NetSocket> waiting = new ArrayList<>();
  private boolean frozen;
  private boolean down;

  DatabaseRelay() {
    server = vertx.createNetServer().connectHandler(client -> {
      client.pause();
      synchronized (this) {
        if (down) {
          client.close();
        } else if (frozen) {
          waiting.add(client);
        } else {
          connect(client);
        }
      }
    });
  }

  int listen() {
    return TestServer.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  private void connect(NetSocket client) {
    vertx.createNetClient().connect(3306, "127.0.0.1").onSuccess(db -> {
      synchronized (this) {
        open.add(client);
        open.add(db);
        if (frozen) {
          db.pause();
        }
      }
      client.handler(db::write);
      db.handler(client::write);
      client.closeHandler(v -> db.close());
      db.closeHandler(v -> client.close());
      synchronized (this) {
        if (!frozen) {
          client.resume();
        }
      }
    }).onFailure(err -> client.close());
  }

  /** Nothing passes from now on; bytes sent wait in the sockets' buffers. */
  synchronized void freeze() {
    frozen = true;
    open.forEach(NetSocket::pause);
  }

  /** What waited passes, in order; connections opened meanwhile reach the database. */
  synchronized void thaw() {
    frozen = false;
    open.forEach(NetSocket::resume);
    waiting.forEach(this::connect);
    waiting.clear();
  }

  /** As a killed database: every connection dropped, new ones refused until {@link #restore}. */
  synchronized void cut() {
    down = true;
    open.forEach(NetSocket::close);
    open.clear();
  }

  synchronized void restore() {
    down = false;
  }

  @Override
  public void close() {
    TestServer.await(vertx.close());
  }
}
