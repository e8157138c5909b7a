package michat.testkit;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 in front of a server (the machine's MariaDB on 3306, one of a test's
 * own, or a michat node's event bus), so that a test can fail it for michat without touching it:
 *   {@link #cut()}     drops every connection and refuses new ones (a crash, a network cut);
 *   {@link #freeze()}  keeps every connection open but forwards nothing, and holds new ones
 *                      unanswered (a server that hangs, as under SIGSTOP: what was sent waits and
 *                      reaches it when the freeze ends);
 *   {@link #restore()} ends either;
 *   {@link #delay(long)} holds every chunk that long each way (a slow network or server).
 * One event loop: a freeze and a restore never race with a connection being set up.
 */
public final class TcpRelay implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final int targetPort;
  private final NetServer server;
  /** Every open pair (client side, server side). */
  private final List<NetSocket[]> pairs = new ArrayList<>();
  /** Connections accepted while frozen, connected to the server when the freeze ends. */
  private final List<NetSocket> waiting = new ArrayList<>();
  private volatile boolean down;
  private volatile boolean frozen;
  private volatile long delayMs;
  public final int port;

  public TcpRelay(int targetPort) {
    this.targetPort = targetPort;
    server = vertx.createNetServer().connectHandler(this::accept);
    port = await(server.listen(0, "127.0.0.1")).actualPort();
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
    vertx.createNetClient().connect(targetPort, "127.0.0.1").onSuccess(target -> {
      NetSocket[] pair = {client, target};
      synchronized (this) {
        pairs.add(pair);
        if (frozen) {
          target.pause();
        }
      }
      client.handler(forwardTo(target));
      target.handler(forwardTo(client));
      client.closeHandler(v -> {
        target.close();
        forget(pair);
      });
      target.closeHandler(v -> {
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

  /** Writes each chunk after the current delay, never before an earlier one. */
  private Handler<Buffer> forwardTo(NetSocket to) {
    long[] lastAt = {0};
    return chunk -> {
      long now = System.currentTimeMillis();
      long at = Math.max(now + delayMs, lastAt[0]);
      lastAt[0] = at;
      if (at <= now) {
        to.write(chunk);
      } else {
        vertx.setTimer(at - now, id -> to.write(chunk));
      }
    };
  }

  private synchronized void forget(NetSocket[] pair) {
    pairs.remove(pair);
  }

  /** The server becomes unreachable: open connections drop, new ones are refused. */
  public synchronized void cut() {
    down = true;
    pairs.forEach(p -> {
      p[0].close();
      p[1].close();
    });
    pairs.clear();
    waiting.forEach(NetSocket::close);
    waiting.clear();
  }

  /** The server hangs: connections stay open, nothing passes either way, new ones get no answer. */
  public synchronized void freeze() {
    frozen = true;
    pairs.forEach(p -> {
      p[0].pause();
      p[1].pause();
    });
  }

  /** Back to normal after {@link #cut()} or {@link #freeze()}. */
  public synchronized void restore() {
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

  /** From now on every chunk waits {@code ms} in the relay (0: none). */
  public void delay(long ms) {
    delayMs = ms;
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
