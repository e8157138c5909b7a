package michat.web;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP relay in front of a server the machine shares (MariaDB on 3306), so a test can fail it
 * without touching it: {@link #cut()} drops every connection and refuses new ones (a crash or a
 * network cut); {@link #freeze()} keeps the connections open but forwards nothing (a database that
 * hangs, as under SIGSTOP: what was sent waits in the relay and reaches it on {@link #thaw()}).
 */
final class TcpRelay {
  private final Vertx vertx;
  private final int targetPort;
  private final NetServer server;
  private final Set<NetSocket> open = new HashSet<>();
  private volatile boolean down;
  private volatile boolean frozen;

  TcpRelay(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
    this.server = vertx.createNetServer().connectHandler(this::relay);
  }

  private void relay(NetSocket client) {
    if (down) {
      client.close();
      return;
    }
    client.pause();
    vertx.createNetClient().connect(targetPort, "127.0.0.1").onSuccess(target -> {
      synchronized (open) {
        open.add(client);
        open.add(target);
      }
      client.handler(target::write);
      target.handler(client::write);
      client.closeHandler(v -> target.close());
      target.closeHandler(v -> client.close());
      if (frozen) {
        target.pause();
      } else {
        client.resume();
      }
    }).onFailure(err -> client.close());
  }

  int listen() {
    return TestServer.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  void cut() {
    down = true;
    synchronized (open) {
      open.forEach(NetSocket::close);
      open.clear();
    }
  }

  void restore() {
    down = false;
  }

  /** Nothing more is forwarded either way; connections stay open, new ones are accepted and held too. */
  void freeze() {
    frozen = true;
    synchronized (open) {
      open.forEach(NetSocket::pause);
    }
  }

  void thaw() {
    frozen = false;
    synchronized (open) {
      open.forEach(NetSocket::resume);
    }
  }
}
