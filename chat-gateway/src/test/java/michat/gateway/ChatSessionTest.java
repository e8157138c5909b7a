package michat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import michat.auth.Session;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.contract.RouterApi.Missed;
import michat.contract.RouterApi.Range;
import michat.contract.RouterApi.Sequenced;
import michat.metrics.MichatMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery chain of one session (docs/protocol.md, "Gaps" and "Resuming"): each conversation in
 * sequence order and once, a gap held for the grace and then filled from the router before what
 * follows it, the catch-up backlog before what arrived meanwhile, resumed cursors, the cursors to
 * save, v1 and v2 framing, and the bounded queue of a client that does not read.
 *
 * <p>The session writes to a real {@link ChatSocket} on an embedded Netty channel, whose outbound
 * frames are what the client would receive; the router's side ({@link ChatSession.GapFiller}, the
 * gateway's own interface to it) is scripted: the test decides when the grace ends and what a fill
 * answers. Everything runs on the test thread, which is the embedded channel's event loop.
 */
class ChatSessionTest {
  private static final String C = "p:1:2";
  private static final String D = "g:5";

  private final List<Connection> connections = new ArrayList<>();

  @AfterEach
  void closeChannels() {
    connections.forEach(c -> c.channel.finishAndReleaseAll());
  }

  /** The router as the session sees it: graces end and fills are answered when the test says. */
  private static final class ScriptedRouter implements ChatSession.GapFiller {
    record FillRequest(String conversation, Long after, long upto, Promise<Range> answer) {}

    final List<Promise<Void>> graces = new ArrayList<>();
    final List<FillRequest> fills = new ArrayList<>();

    @Override
    public Future<Range> fill(String conversation, Long after, long upto) {
      Promise<Range> answer = Promise.promise();
      fills.add(new FillRequest(conversation, after, upto, answer));
      return answer.future();
    }

    @Override
    public Future<Void> waitForLatePush() {
      Promise<Void> ends = Promise.promise();
      graces.add(ends);
      return ends.future();
    }

    void endGrace() {
      assertTrue(!graces.isEmpty() && !graces.get(graces.size() - 1).future().isComplete(),
          "a gap was noticed: its grace started");
      graces.get(graces.size() - 1).complete();
    }

    FillRequest lastFill() {
      assertFalse(fills.isEmpty(), "a gap was fetched");
      return fills.get(fills.size() - 1);
    }
  }

  /** A session of user 2 on its socket, as the gateway wires them; frames read as the client gets them. */
  private final class Connection implements ChatSocket.Listener {
    final ScriptedRouter router = new ScriptedRouter();
    final MichatMetrics metrics = MichatMetrics.of(MichatConfig.load(null, Map.of())
        .with(ConfigKeys.NODE_ID, "session-test", "test"));
    final ChatSocket socket = new ChatSocket(4096, new Flusher(metrics));
    final EmbeddedChannel channel = new EmbeddedChannel(socket);
    final ChatSession session;
    final List<Integer> closeCodes = new ArrayList<>();
    boolean closedHeard;
    boolean roomAgain;

    Connection(boolean v2, int maxQueued) {
      session = new ChatSession("s-1", new Session(2, "login-1", 0, Long.MAX_VALUE), "token", socket, v2,
          new TokenBucket(10, 10), new String[0], maxQueued, metrics, router);
      socket.listen(this);
      connections.add(this);
    }

    /**
     * What the client has received since the last call, the event loop run until nothing more moves:
     * text frames; close frames noted in closeCodes.
     */
    List<String> received() {
      List<String> texts = new ArrayList<>();
      boolean more = true;
      while (more) {
        channel.runPendingTasks();   // the flush of the written frames is a task of the event loop
        for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
          if (frame instanceof TextWebSocketFrame text) {
            texts.add(text.text());
          } else if (frame instanceof CloseWebSocketFrame close) {
            closeCodes.add(close.statusCode());
          }
          ReferenceCountUtil.release(frame);
        }
        more = roomAgain;
        roomAgain = false;
        if (more) {
          session.drain();
        }
      }
      return texts;
    }

    @Override
    public void onText(String text) {
    }

    @Override
    public void onBinary() {
    }

    /**
     * The gateway drains at once; here the drain follows the flush that made room, as it would on a
     * real event loop: an embedded channel runs queued tasks (the next flush) inside a flush, which
     * nests the {@link Flusher} in itself — something no real event loop does.
     */
    @Override
    public void onWritable() {
      roomAgain = true;
    }

    @Override
    public void onClosed() {
      closedHeard = true;
      session.closed();
    }
  }

  private Connection v1() {
    return new Connection(false, 100);
  }

  private Connection v2() {
    return new Connection(true, 100);
  }

  /** The sender's JSON as stored; identifies the message in v1 frames. */
  private static String payload(String conversation, long seq) {
    return new JsonObject().put("Content", conversation + "#" + seq).encode();
  }

  private static String v1Frame(long seq) {
    return payload(C, seq);
  }

  private static String v2Frame(String conversation, long seq) {
    return Frames.message(conversation, seq, payload(conversation, seq));
  }

  private static List<String> v1Frames(long... seqs) {
    List<String> out = new ArrayList<>();
    for (long seq : seqs) {
      out.add(v1Frame(seq));
    }
    return out;
  }

  private static List<String> v2Frames(long... seqs) {
    List<String> out = new ArrayList<>();
    for (long seq : seqs) {
      out.add(v2Frame(C, seq));
    }
    return out;
  }

  private static void deliver(Connection c, String conversation, long seq, long prev) {
    c.session.deliver(conversation, seq, prev, payload(conversation, seq));
  }

  private static Sequenced stored(String conversation, long seq) {
    return new Sequenced(seq, payload(conversation, seq));
  }

  private static Missed missed(String conversation, long seq, long base) {
    return new Missed(conversation, seq, base, payload(conversation, seq));
  }

  /** Connected with nothing missed and nothing resumed: live deliveries go straight to the chain. */
  private static Connection live(Connection c) {
    c.session.finishCatchUp(List.of(), Map.of());
    return c;
  }

  // ---- order ----

  @Test
  void messagesThatFollowOnAreSentAtOnceInOrder() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 3, 1);   // 2 went to the other participant
    deliver(c, D, 1, 0);
    deliver(c, C, 4, 3);
    assertEquals(List.of(v2Frame(C, 1), v2Frame(C, 3), v2Frame(D, 1), v2Frame(C, 4)), c.received());
    assertTrue(c.router.graces.isEmpty(), "no gap, no grace");
    assertTrue(c.router.fills.isEmpty());
  }

  @Test
  void aGapIsHeldForTheGraceThenFilledBeforeWhatFollowsIt() {
    Connection c = live(v1());
    deliver(c, C, 1, 0);
    assertEquals(v1Frames(1), c.received());

    deliver(c, C, 5, 3);   // 3 is missing
    deliver(c, C, 6, 5);
    deliver(c, D, 1, 0);   // other conversations go on meanwhile
    assertEquals(List.of(payload(D, 1)), c.received(), "the gap's conversation waits");
    assertEquals(1, c.router.graces.size(), "one grace for the gap");
    assertTrue(c.router.fills.isEmpty(), "nothing fetched during the grace");
    assertEquals(Map.of(C, 1L, D, 1L), c.session.takeCursors(), "the cursor stays before the gap");

    c.router.endGrace();
    assertEquals(1, c.router.fills.size());
    ScriptedRouter.FillRequest fill = c.router.lastFill();
    assertEquals(C, fill.conversation());
    assertEquals(1L, fill.after(), "from what the session has");
    assertEquals(3L, fill.upto(), "up to the missing message");
    assertEquals(List.of(), c.received(), "still waiting for the fill");

    fill.answer().complete(new Range(1, List.of(stored(C, 3)), true));
    assertEquals(v1Frames(3, 5, 6), c.received(), "the missing one first, then what waited");
    assertEquals(Map.of(C, 6L), c.session.takeCursors());
  }

  @Test
  void aLatePushArrivingWithinTheGraceIsSentAndNothingIsFetched() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 3, 2);
    assertEquals(v2Frames(1), c.received());
    deliver(c, C, 2, 1);   // the late push, e.g. from another router
    assertEquals(v2Frames(2, 3), c.received());
    c.router.endGrace();
    assertTrue(c.router.fills.isEmpty(), "nothing left to fetch");

    deliver(c, C, 5, 4);
    assertEquals(2, c.router.graces.size(), "a later gap is noticed again");
    c.router.endGrace();
    assertEquals(3L, c.router.lastFill().after());
    assertEquals(4L, c.router.lastFill().upto());
  }

  @Test
  void aFillCutShortByTheLimitAsksForTheRest() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 9, 8);
    c.router.endGrace();
    c.router.lastFill().answer().complete(new Range(1, List.of(stored(C, 3), stored(C, 5)), false));
    assertEquals(v2Frames(1, 3, 5), c.received(), "what came is sent; 9 still waits for 8");

    c.router.endGrace();
    assertEquals(2, c.router.fills.size());
    assertEquals(5L, c.router.lastFill().after(), "the rest: after the page's end");
    assertEquals(8L, c.router.lastFill().upto());
    c.router.lastFill().answer().complete(new Range(5, List.of(stored(C, 8)), true));
    assertEquals(v2Frames(8, 9), c.received());
  }

  @Test
  void aGapBeforeAnythingIsKnownIsFilledFromTheSavedCursor() {
    Connection c = live(v1());
    deliver(c, C, 5, 3);
    c.router.endGrace();
    assertEquals(null, c.router.lastFill().after(), "the router starts from the saved cursor");
    c.router.lastFill().answer().complete(new Range(2, List.of(stored(C, 3)), true));
    assertEquals(v1Frames(3, 5), c.received());
    deliver(c, C, 6, 5);
    assertEquals(v1Frames(6), c.received(), "the chain is known from then on");
    assertEquals(Map.of(C, 6L), c.session.takeCursors());
  }

  @Test
  void aCompleteFillWithNothingInTheGapMovesOnToWhatWaits() {
    Connection c = live(v1());
    deliver(c, C, 1, 0);
    deliver(c, C, 4, 3);
    c.router.endGrace();
    c.router.lastFill().answer().complete(new Range(1, List.of(), true));   // 3 is gone (never visible to this user)
    assertEquals(v1Frames(1, 4), c.received());
    assertEquals(Map.of(C, 4L), c.session.takeCursors());
  }

  @Test
  void aFailedFillShowsWhatWaitsAndTheCursorStaysBeforeTheGap() {
    Connection c = live(v1());
    deliver(c, C, 1, 0);
    deliver(c, C, 5, 3);
    deliver(c, C, 6, 5);
    c.router.endGrace();
    c.router.lastFill().answer().fail("router unavailable");
    assertEquals(v1Frames(1, 5, 6), c.received(), "shown rather than held");
    assertEquals(Map.of(C, 1L), c.session.takeCursors(), "the next catch-up still brings 3");

    deliver(c, C, 7, 6);   // the next gap check fetches what is missing, from before the gap
    c.router.endGrace();
    assertEquals(1L, c.router.lastFill().after());
    assertEquals(6L, c.router.lastFill().upto());
    c.router.lastFill().answer().complete(new Range(1, List.of(stored(C, 3), stored(C, 5), stored(C, 6)), true));
    assertEquals(v1Frames(3, 7), c.received(), "5 and 6 were shown already: not twice");
    assertEquals(Map.of(C, 7L), c.session.takeCursors());
  }

  @Test
  void aSessionClosedDuringTheGraceFetchesNothing() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 5, 3);
    c.session.close(Frames.CLOSE_GOING_AWAY, "restarting");
    c.router.endGrace();
    assertTrue(c.router.fills.isEmpty());
    assertEquals(v2Frames(1), c.received());
    assertEquals(List.of((int) Frames.CLOSE_GOING_AWAY), c.closeCodes);
  }

  // ---- once ----

  @Test
  void aMessageIsSentOnceHoweverOftenItArrives() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 2, 1);
    deliver(c, C, 1, 0);
    deliver(c, C, 2, 1);
    deliver(c, C, 4, 3);
    deliver(c, C, 4, 3);   // twice while waiting for the gap
    c.router.endGrace();
    assertEquals(1, c.router.graces.size(), "one fill per gap");
    c.router.lastFill().answer().complete(new Range(2, List.of(stored(C, 3)), true));
    deliver(c, C, 3, 2);
    deliver(c, C, 4, 3);
    assertEquals(v2Frames(1, 2, 3, 4), c.received());
  }

  // ---- catch-up and resume ----

  @Test
  void theBacklogGoesFirstThenWhatArrivedMeanwhile() {
    Connection c = v1();
    deliver(c, C, 4, 3);
    deliver(c, C, 5, 4);
    deliver(c, D, 8, 7);
    assertEquals(List.of(), c.received(), "live messages wait for the backlog");

    c.session.finishCatchUp(List.of(missed(C, 2, 1), missed(C, 3, 1), missed(D, 7, 6), missed(C, 4, 1)), Map.of());
    assertEquals(List.of(payload(C, 2), payload(C, 3), payload(D, 7), payload(C, 4), payload(C, 5), payload(D, 8)),
        c.received(), "backlog in its order, then the live ones not in it");
    assertTrue(c.router.graces.isEmpty(), "the backlog closed the gap the live ones showed");
    assertEquals(Map.of(C, 5L, D, 8L), c.session.takeCursors());
  }

  @Test
  void aLiveMessageBeyondTheBacklogStillRevealsAGap() {
    Connection c = v2();
    deliver(c, C, 9, 8);
    c.session.finishCatchUp(List.of(missed(C, 2, 0), missed(C, 3, 0)), Map.of());   // cut by the catch-up limit
    assertEquals(v2Frames(2, 3), c.received());
    c.router.endGrace();
    assertEquals(3L, c.router.lastFill().after());
    assertEquals(8L, c.router.lastFill().upto());
  }

  @Test
  void resumedCursorsStartTheirConversations() {
    Connection c = v2();
    deliver(c, C, 8, 7);
    c.session.finishCatchUp(List.of(missed(C, 8, 7)), Map.of(C, 7L, D, 20L));
    assertEquals(v2Frames(8), c.received(), "backlog and live copy of the same message: once");

    deliver(c, C, 6, 5);
    deliver(c, D, 20, 19);
    assertEquals(List.of(), c.received(), "what the client said it holds is not sent again");
    deliver(c, D, 21, 20);
    assertEquals(List.of(v2Frame(D, 21)), c.received(), "follows on from the resumed cursor");

    deliver(c, D, 24, 23);
    c.router.endGrace();
    assertEquals(D, c.router.lastFill().conversation());
    assertEquals(21L, c.router.lastFill().after(), "gap fills start from what the client has");
    assertTrue(c.session.takeCursors().isEmpty(), "v2: only acknowledgements move cursors");
  }

  @Test
  void deliveriesWhileWaitingForTheResumeFrameWaitToo() {
    Connection c = v2();
    Promise<Map<String, Long>> resume = Promise.promise();
    c.session.awaitResume(resume);
    assertTrue(c.session.awaitsResume());
    deliver(c, C, 3, 2);
    assertEquals(List.of(), c.received());
    assertEquals(resume, c.session.takeResume());
    assertFalse(c.session.awaitsResume(), "taken once");
    c.session.finishCatchUp(List.of(), Map.of(C, 2L));
    assertEquals(v2Frames(3), c.received());
  }

  // ---- cursors ----

  @Test
  void v1CursorsAreWhatWasSentAndEachTakeHasOnlyWhatMovedSince() {
    Connection c = live(v1());
    deliver(c, C, 1, 0);
    deliver(c, C, 2, 1);
    assertEquals(Map.of(C, 2L), c.session.takeCursors());
    assertEquals(Map.of(), c.session.takeCursors(), "taken: nothing new to save");
    deliver(c, D, 1, 0);
    assertEquals(Map.of(D, 1L), c.session.takeCursors());
  }

  @Test
  void v2CursorsAreWhatTheClientAcknowledgedNeverBeyondWhatWasSent() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 2, 1);
    deliver(c, C, 3, 2);
    assertEquals(Map.of(), c.session.takeCursors(), "sent is not delivered");
    c.session.acknowledge(C, 2);
    assertEquals(Map.of(C, 2L), c.session.takeCursors());
    c.session.acknowledge(C, 1);
    assertEquals(Map.of(), c.session.takeCursors(), "never back");
    c.session.acknowledge(C, 99);
    assertEquals(Map.of(C, 3L), c.session.takeCursors(), "capped at what this session sent");
    c.session.acknowledge(D, 5);
    assertEquals(Map.of(), c.session.takeCursors(), "nothing sent there");
  }

  // ---- framing ----

  @Test
  void v1SendsTheSendersJsonAsIsAndV2WrapsItWithConversationAndSeq() {
    Connection one = live(v1());
    deliver(one, C, 1, 0);
    assertEquals(List.of(payload(C, 1)), one.received());

    Connection two = live(v2());
    deliver(two, C, 1, 0);
    JsonObject frame = new JsonObject(two.received().get(0));
    assertEquals("msg", frame.getString("Type"));
    assertEquals(C, frame.getString("conversation"));
    assertEquals(1L, frame.getLong("seq"));
    assertEquals(new JsonObject(payload(C, 1)), frame.getJsonObject("message"));
  }

  @Test
  void v2CopiesOfTheUsersOwnMessagesAreMarkedSentOnceAndStayOutOfTheChain() {
    Connection c = v2();
    c.session.deliverCopy(C, 1, payload(C, 1));
    c.session.finishCatchUp(List.of(), Map.of(C, 0L));
    assertEquals(List.of(), c.received(), "copies are live only: not during catch-up");

    c.session.deliverCopy(C, 2, payload(C, 2));
    c.session.deliverCopy(C, 2, payload(C, 2));
    deliver(c, C, 3, 0);   // addressed to this user; the copies were not
    assertEquals(List.of(Frames.copy(C, 2, payload(C, 2)), v2Frame(C, 3)), c.received());
    assertTrue(new JsonObject(Frames.copy(C, 2, payload(C, 2))).getBoolean("copy"));
    c.session.acknowledge(C, 3);
    assertEquals(Map.of(C, 3L), c.session.takeCursors());
  }

  @Test
  void manyCopiesDoNotHideAMessageFetchedForAnOlderGap() {
    Connection c = live(v2());
    deliver(c, C, 1, 0);
    deliver(c, C, 5, 3);
    c.router.endGrace();
    c.router.lastFill().answer().fail("router unavailable");   // 5 shown past the gap; 3 still missing
    assertEquals(v2Frames(1, 5), c.received());
    for (long seq = 6; seq <= 1200; seq++) {   // the user writes on from another device, unanswered
      c.session.deliverCopy(C, seq, payload(C, seq));
    }
    assertEquals(1195, c.received().size());

    deliver(c, C, 1201, 5);   // the other participant answers: the gap is checked again
    c.router.endGrace();
    assertEquals(1L, c.router.lastFill().after());
    c.router.lastFill().answer().complete(new Range(1, List.of(stored(C, 3), stored(C, 5)), true));
    assertEquals(v2Frames(3, 1201), c.received(), "3 was never sent: it is, whatever the copies since");
  }

  // ---- a client that does not read ----

  /** Netty's outbound buffer counts as full beyond a few bytes: each frame fills it until flushed. */
  private static void tinyWriteBuffer(Connection c) {
    c.channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
  }

  @Test
  void whileTheSocketIsFullFramesWaitAndThenLeaveInOrder() {
    Connection c = live(new Connection(false, 10));
    tinyWriteBuffer(c);
    for (long seq = 1; seq <= 5; seq++) {
      deliver(c, C, seq, seq - 1);
    }
    assertFalse(c.channel.isWritable(), "the first frame filled the buffer");
    assertEquals(4, c.metrics.queuedFrames.get(), "the others wait in the session");
    c.channel.runPendingTasks();   // the flush makes room; the session has not drained yet
    assertTrue(c.channel.isWritable());
    deliver(c, C, 6, 5);
    assertEquals(v1Frames(1, 2, 3, 4, 5, 6), c.received(), "each flush makes room for the next; none overtakes");
    assertEquals(0, c.metrics.queuedFrames.get());
    assertFalse(c.session.isClosed());
  }

  @Test
  void moreThanMaxQueuedWaitingClosesTheSessionAsTooSlow() {
    Connection c = live(new Connection(false, 3));
    tinyWriteBuffer(c);
    for (long seq = 1; seq <= 4; seq++) {
      deliver(c, C, seq, seq - 1);
    }
    assertFalse(c.session.isClosed(), "three may wait");
    deliver(c, C, 5, 4);
    assertTrue(c.session.isClosed(), "a fourth is too many");
    assertTrue(c.closedHeard, "the gateway hears of it at once");
    assertEquals(0, c.metrics.queuedFrames.get(), "what waited is dropped (it stays in history)");
    assertEquals(v1Frames(1), c.received(), "only what the socket took");
    assertEquals(List.of((int) Frames.CLOSE_TOO_SLOW), c.closeCodes);
    deliver(c, C, 6, 5);
    assertEquals(List.of(), c.received(), "nothing after closing");
  }
}
