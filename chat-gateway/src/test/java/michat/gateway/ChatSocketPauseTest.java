package michat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.metrics.MichatMetrics;
import org.junit.jupiter.api.Test;

/**
 * Pausing a socket, as the gateway does for every chat message: no change to the channel's reading
 * (a system call each way) until {@link ChatSocket#HOLD_LIMIT} messages wait, then reading stops until
 * few are left — and the held messages come out in order; a server close reads on for the client's
 * answer even while messages wait. On an embedded Netty channel.
 */
class ChatSocketPauseTest {
  private final List<String> handled = new ArrayList<>();

  private static ChatSocket socket() {
    MichatMetrics metrics = MichatMetrics.of(MichatConfig.load(null, Map.of()).with(ConfigKeys.NODE_ID, "pause-test", "test"));
    return new ChatSocket(4096, new Flusher(metrics));
  }

  /** Handles one message at a time, like the gateway: pauses on each until the test resumes. */
  private void listenOneAtATime(ChatSocket socket) {
    socket.listen(new ChatSocket.Listener() {
      @Override
      public void onText(String text) {
        handled.add(text);
        socket.pause();
      }

      @Override
      public void onBinary() {
      }

      @Override
      public void onWritable() {
      }

      @Override
      public void onClosed() {
      }
    });
  }

  @Test
  void aPausePerMessageLeavesReadingOnAndAFloodStopsItUntilFewAreLeft() {
    ChatSocket socket = socket();
    EmbeddedChannel channel = new EmbeddedChannel(socket);
    listenOneAtATime(socket);

    channel.writeInbound(new TextWebSocketFrame("m0"));
    assertEquals(List.of("m0"), handled);
    assertTrue(channel.config().isAutoRead(), "a pause alone does not stop reading");
    socket.resume();
    assertTrue(channel.config().isAutoRead());

    channel.writeInbound(new TextWebSocketFrame("m1"));   // handled, paused again
    for (int i = 2; i <= ChatSocket.HOLD_LIMIT; i++) {
      channel.writeInbound(new TextWebSocketFrame("m" + i));
      assertTrue(channel.config().isAutoRead(), i - 1 + " held: still reading");
    }
    channel.writeInbound(new TextWebSocketFrame("m" + (ChatSocket.HOLD_LIMIT + 1)));
    assertFalse(channel.config().isAutoRead(), ChatSocket.HOLD_LIMIT + " held: reading stops");
    int n = ChatSocket.HOLD_LIMIT + 1;

    for (int resumes = 0; resumes < n - ChatSocket.HOLD_RESUME - 1; resumes++) {
      assertFalse(channel.config().isAutoRead(), "more than " + ChatSocket.HOLD_RESUME + " held: still stopped");
      socket.resume();
    }
    assertTrue(channel.config().isAutoRead(), ChatSocket.HOLD_RESUME + " held: reading again");
    while (handled.size() < n + 1) {
      socket.resume();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      expected.add("m" + i);
    }
    assertEquals(expected, handled, "every message once, in order");
    channel.finishAndReleaseAll();
  }

  @Test
  void afterItsCloseFrameTheServerReadsOnForTheAnswerEvenWhileMessagesWait() {
    ChatSocket socket = socket();
    EmbeddedChannel channel = new EmbeddedChannel(socket);
    listenOneAtATime(socket);
    for (int i = 0; i <= ChatSocket.HOLD_LIMIT; i++) {
      channel.writeInbound(new TextWebSocketFrame("m" + i));
    }
    assertFalse(channel.config().isAutoRead(), "a flood stopped reading");

    socket.close(4001, "too slow");
    CloseWebSocketFrame sent = channel.readOutbound();
    assertEquals(4001, sent.statusCode());
    sent.release();
    assertTrue(channel.config().isAutoRead(), "reading again, for the client's answer");
    assertTrue(channel.isOpen(), "open until the answer (or the timeout)");
    channel.writeInbound(new TextWebSocketFrame("late"));
    channel.writeInbound(new CloseWebSocketFrame(4001, ""));
    assertFalse(channel.isOpen(), "the answer ends the connection");
    assertEquals(List.of("m0"), handled, "nothing handled after closing");
    channel.finishAndReleaseAll();
  }
}
