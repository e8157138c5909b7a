package michat.notifier;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.time.Instant;
import michat.client.MichatClient;
import michat.client.StreamFollower;
import michat.contract.Refusal;
import michat.contract.v1.ServiceApi.Sent;
import michat.contract.v1.ServiceApi.StoredMessage;
import michat.contract.v1.ServiceApi.StreamPosition;
import michat.contract.v1.ServiceApi.UserRegistered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example service: greets every user who registers, answers {@code /time} in the groups its
 * account is a member of, and logs every stored message. What it sees of messages is the stream of
 * stored messages, followed with the catch-up ({@link MichatClient#follow}) from where its last run
 * stopped (or from the end) when the operator listed its account in {@code services.accounts}, else
 * live only.
 */
final class NotifierVerticle extends VerticleBase {
  static final String TIME_COMMAND = "/time";
  /** A /time older than this (one that came from the catch-up after a pause) is not answered any more. */
  static final long ANSWER_WITHIN_MS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(NotifierVerticle.class);

  /** How often the stream position is saved: what a restart may see again at most. */
  static final long SAVE_MS = 2_000;

  private final String account;
  private final String password;
  private final String positionFile;
  private MichatClient michat;
  private StreamFollower follower;
  private long saveTimer = -1;

  /** {@code positionFile}: where the stream position is kept across restarts; null = follow from the end at each start. */
  NotifierVerticle(String account, String password, String positionFile) {
    this.account = account;
    this.password = password;
    this.positionFile = positionFile;
  }

  @Override
  public Future<?> start() {
    return MichatClient.login(vertx, account, password)
        .recover(err -> Future.failedFuture(new IllegalStateException("michat refused or did not answer the login of "
            + account + ": " + err.getMessage(), err)))
        .compose(client -> {
          michat = client;
          michat.onUserRegistered(this::greet);
          return follow();
        })
        .onSuccess(v -> LOG.info("notifier started as {} (user {})", account, michat.userId()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(saveTimer);
    return follower == null ? Future.succeededFuture() : savePosition().compose(v -> follower.close());
  }

  /**
   * From the position saved by the last run, so that nothing stored while the notifier was away is
   * missed; without one, from the end of the stream: what was stored before is not its business.
   */
  private Future<Void> follow() {
    return savedPosition()
        .compose(saved -> saved != null ? Future.succeededFuture(saved) : michat.streamEnd())
        .map(from -> {
          follower = michat.follow(from, this::stored);
          if (positionFile != null) {
            saveTimer = vertx.setPeriodic(SAVE_MS, t -> savePosition());
          }
          LOG.info("following the stream of stored messages with its catch-up, after {}", from.value());
          return (Void) null;
        })
        .recover(err -> {
          if (!Refusal.NOT_A_SERVICE_ACCOUNT.is(err)) {
            return Future.failedFuture(err);
          }
          LOG.warn("{} is not listed in services.accounts: following the live stream only", account);
          return michat.onMessageStored(this::stored).completion();
        });
  }

  private Future<StreamPosition> savedPosition() {
    if (positionFile == null) {
      return Future.succeededFuture();
    }
    return vertx.fileSystem().exists(positionFile).compose(exists -> !exists ? Future.succeededFuture()
        : vertx.fileSystem().readFile(positionFile).map(b -> new StreamPosition(b.toString().trim())));
  }

  /** Written whole, then moved over the old one: a crash mid-write leaves the previous position. */
  private Future<Void> savePosition() {
    if (positionFile == null) {
      return Future.succeededFuture();
    }
    String fresh = positionFile + ".new";
    return vertx.fileSystem().writeFile(fresh, Buffer.buffer(follower.position().value()))
        .compose(v -> vertx.fileSystem().move(fresh, positionFile, new CopyOptions().setReplaceExisting(true)))
        .onFailure(err -> LOG.warn("the stream position was not saved to {}: {}", positionFile, err.getMessage()));
  }

  private void greet(UserRegistered user) {
    michat.sendToUser(user.userId(), "Welcome to michat, " + user.name() + "!", "welcome-" + user.userId())
        .onComplete(ar -> report("greeting for user " + user.userId(), ar.succeeded() ? ar.result() : null, ar.cause()));
  }

  private void stored(StoredMessage m) {
    LOG.info("stored {}#{} from {} to {} {} at {}", m.conversation(), m.seq(), m.senderId(),
        m.type() == 2 ? "group" : "user", m.targetId(), m.position().value());
    if (m.type() == 2 && m.senderId() != michat.userId() && m.content().trim().equals(TIME_COMMAND)
        && Instant.parse(m.createdAt()).isAfter(Instant.now().minusMillis(ANSWER_WITHIN_MS))) {
      // In a group the account is not a member of, michat refuses it (not_a_member): the router
      // knows the members now, the notifier need not keep a copy. Its own messages never trigger one.
      michat.sendToGroup(m.targetId(), "time: " + Instant.now(), "time-" + m.conversation() + "-" + m.seq())
          .onComplete(ar -> report("/time answer in group " + m.targetId(), ar.succeeded() ? ar.result() : null,
              ar.cause()));
    }
  }

  private static void report(String what, Sent sent, Throwable failure) {
    if (sent != null && sent.ok()) {
      LOG.info("sent {}: {}#{}", what, sent.conversation(), sent.seq());
    } else {
      LOG.info("{} not sent: {}", what, sent != null ? sent.error() + " (" + sent.message() + ")" : failure.getMessage());
    }
  }
}
