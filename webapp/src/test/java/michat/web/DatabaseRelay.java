package michat.web;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay in front of the machine's MariaDB (127.0.0.1:3306) that a test controls, so that the
 * database can fail for michat without anyone touching the shared server:
 *   {@link #cut()}    drops every connection and refuses new ones (the database is unreachable);
 *   {@link #freeze()} keeps every connection open but forwards nothing, and holds new ones unanswered
 *                     (the database hangs: no error, no answer);
 *   {@link #restore()} ends either.
 */
final class DatabaseRelay implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  /** Every open pair (client side, database side). */
  private final List<NetSocket[]> pairs = new ArrayList<>();
  /** Connections accepted while frozen, connected to the database when it thaws. */
  private final List<NetSocket> waiting = new ArrayList<>();
  private volatile boolean down;
  private volatile boolean frozen;
  final int port;

  DatabaseRelay() {
    server = vertx.createNetServer().connectHandler(this::accept);
    port = TestServer.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  private void accept(NetSocket client) {
    if (down) {
      client.close();
      return;
    }
    client.pause();
    synchronized (this) {
      if (frozen) {
        waiting.add(client);
        return;
      }
    }
    connect(client);
  }

  private void connect(NetSocket client) {
    vertx.createNetClient().connect(3306, "127.0.0.1").onSuccess(db -> {
      NetSocket[] pair = {client, db};
      synchronized (this) {
        pairs.add(pair);
        if (frozen) {
          db.pause();
        }
      }
      client.handler(db::write);
      db.handler(client::write);
      client.closeHandler(v -> {
        db.close();
        forget(pair);
      });
      db.closeHandler(v -> {
        client.close();
        forget(pair);
      });
      synchronized (this) {
        if (!frozen) {
          client.resume();
        }
      }
    }).onFailure(err -> client.close());
  }

  private synchronized void forget(NetSocket[] pair) {
    pairs.remove(pair);
  }

  /** The database becomes unreachable: open connections drop, new ones are refused. */
  synchronized void cut() {
    down = true;
    pairs.forEach(p -> {
      p[0].close();
      p[1].close();
    });
    pairs.clear();
    waiting.forEach(NetSocket::close);
    waiting.clear();
  }

  /** The database hangs: connections stay open, nothing passes either way, new ones get no answer. */
  synchronized void freeze() {
    frozen = true;
    pairs.forEach(p -> {
      p[0].pause();
      p[1].pause();
    });
  }

  /** Back to normal after {@link #cut()} or {@link #freeze()}. */
  synchronized void restore() {
    down = false;
    frozen = false;
    pairs.forEach(p -> {
      p[0].resume();
      p[1].resume();
    });
    List<NetSocket> held = new ArrayList<>(waiting);
    waiting.clear();
    held.forEach(this::connect);
  }

  @Override
  public void close() {
    TestServer.await(vertx.close());
  }
}
