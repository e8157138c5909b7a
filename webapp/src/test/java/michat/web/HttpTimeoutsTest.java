package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import michat.contract.PresenceApi;
import michat.contract.PresenceApi.ChannelPost;
import michat.contract.ServiceBus;
import michat.gateway.ChatGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow and idle plain HTTP connections are cut (1 s timeouts here, at most 10 connections per address),
 * while WebSockets upgraded from such connections are not: the gateway times those itself.
 */
class HttpTimeoutsTest {
  private static final int PER_ADDRESS = 10;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.embedded(TestServer.tempDir(), Map.of(
        "MICHAT_HTTP_REQUEST_HEADER_TIMEOUT_SECONDS", "1",
        "MICHAT_HTTP_REQUEST_BODY_TIMEOUT_SECONDS", "1",
        "MICHAT_HTTP_IDLE_TIMEOUT_SECONDS", "1",
        "MICHAT_HTTP_MAX_CONNECTIONS_PER_IP", Integer.toString(PER_ADDRESS)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void slowLorisClientsAreDroppedWhileHealthKeepsAnswering() throws Exception {
    List<Socket> loris = new ArrayList<>();
    try {
      for (int i = 0; i < 3 * PER_ADDRESS; i++) {
        Socket s = connect("127.0.0.1");
        write(s, "GET /health HTTP/1.1\r\nHost: michat\r\nX-Slow: ");
        loris.add(s);
      }
      long deadline = System.currentTimeMillis() + 15_000;
      int open = loris.size();
      while (open > 0 && System.currentTimeMillis() < deadline) {
        // Another address than the slow clients' (all of 127.0.0.0/8 is this host): not held up by their limit.
        assertEquals("HTTP/1.1 200 OK", health("127.0.0.2"), "/health answers while slow clients hold connections");
        open = 0;
        for (Socket s : loris) {
          open += dripOneByte(s) ? 1 : 0;
        }
        Thread.sleep(200);
      }
      assertEquals(0, open, "every slow client is disconnected");
      assertEquals("HTTP/1.1 200 OK", health("127.0.0.1"), "their address may connect again once they are gone");
    } finally {
      for (Socket s : loris) {
        s.close();
      }
    }
  }

  @Test
  void idleKeptAliveConnectionsAndSilentBodiesAreClosed() throws Exception {
    try (Socket idle = connect("127.0.0.1"); Socket silentBody = connect("127.0.0.1")) {
      write(idle, "GET /health HTTP/1.1\r\nHost: michat\r\n\r\n");
      assertEquals("HTTP/1.1 200 OK", statusLine(idle.getInputStream()));
      write(silentBody, "POST /user/findUserByNameAndPwd HTTP/1.1\r\nHost: michat\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=");
      assertTrue(awaitClosed(idle, 10_000), "a kept-alive connection without a next request is closed");
      assertTrue(awaitClosed(silentBody, 10_000), "a body that stops arriving ends its connection");
    }
  }

  @Test
  void chatAndPubSubSocketsOutliveTheHttpTimeouts() throws Exception {
    JsonObject a = server.newUser("ta-" + ProcessHandle.current().pid());
    JsonObject b = server.newUser("tb-" + ProcessHandle.current().pid());
    try (ChatClient ca = ChatClient.open(server, a.getString("Identity"));
        ChatClient cb = ChatClient.open(server, b.getString("Identity"));
        ChatClient channel = TestServer.await(ChatClient.connect(server.app.vertx(), server.port, ChatGateway.CHANNEL_PATH))) {
      // Silent for three times every HTTP timeout; the gateway's own sweep allows 60 s.
      Thread.sleep(3_500);
      JsonObject sent = ChatContract.text(a.getLong("ID"), b.getLong("ID"), "still here");
      ca.send(sent);
      assertEquals(sent, cb.nextJson(), "the chat sockets still carry messages");
      ServiceBus.of(server.app.vertx()).publish(PresenceApi.CHANNEL, new ChannelPost("still subscribed"));
      assertTrue(channel.next().endsWith(":still subscribed"), "the pub/sub socket still receives");
    }
  }

  // ---- raw sockets ----

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", server.port), 5_000);
    return s;
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Sends one more header byte; false once the server has closed the connection. */
  private static boolean dripOneByte(Socket s) {
    if (s.isClosed()) {
      return false;
    }
    try {
      s.setSoTimeout(1);
      if (s.getInputStream().read() < 0) {
        s.close();
        return false;
      }
      return true;   // never reached: the server answers nothing before the headers end
    } catch (SocketTimeoutException stillOpen) {
      try {
        write(s, "x");
        return true;
      } catch (IOException closed) {
        return closeQuietly(s);
      }
    } catch (IOException reset) {
      return closeQuietly(s);
    }
  }

  private static boolean closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closed either way
    }
    return false;
  }

  private static boolean awaitClosed(Socket s, long ms) throws IOException {
    s.setSoTimeout((int) ms);
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // skip what is left of a response
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** The status line of GET /health over a fresh connection from {@code from}. */
  private String health(String from) throws IOException {
    try (Socket s = connect(from)) {
      s.setSoTimeout(5_000);
      write(s, "GET /health HTTP/1.1\r\nHost: michat\r\nConnection: close\r\n\r\n");
      return statusLine(s.getInputStream());
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
