package michat.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports on 127.0.0.1: a free one to give a process, and whether one is answered yet. */
public final class Loopback {
  private Loopback() {
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean isListening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until {@code port} is answered; fails with {@code log()} if the process dies or it takes too long. */
  static void awaitListening(int port, Process process, long timeoutMs, String what, LogText log)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!isListening(port)) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new IllegalStateException(what + " did not start on " + port + ": " + log.text());
      }
      Thread.sleep(50);
    }
  }

  @FunctionalInterface
  interface LogText {
    String text();
  }
}
