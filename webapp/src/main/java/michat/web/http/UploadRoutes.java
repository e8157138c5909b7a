package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import michat.contract.Caller;
import michat.model.Failures;
import michat.ginchat.GinchatText;
import michat.storage.PrivateFiles;

/**
 * {@code /attach/upload}: images and audio clips for chat messages and avatars. Files are stored
 * under {@code <data.dir>/upload} with generated names whose extension is what the file is by its
 * content ({@link MediaSignatures}: nothing of the client's file name or declared type survives, so no
 * name can escape the directory and a voice recording named {@code blob} is kept as what it is) and
 * served back under {@code /asset/upload/} with {@code nosniff}, so a file is only ever shown as its type.
 *
 * <p>The caller is known before a byte of the body is read: the request is paused while its token is
 * checked, and a stranger's body never reaches {@code upload-tmp}. Each user sends at most
 * {@code upload.maxInFlightPerUser} uploads at once. A refused upload is answered at once and its
 * connection closed after a short read-and-discard of what the client is still sending, so that the
 * client can read the answer (a close with unread data would reset the connection under it).
 */
public final class UploadRoutes {
  public static final String PUBLIC_PREFIX = "./asset/upload/";
  /** How long the rest of a refused upload is read and discarded before its connection is closed. */
  static final long LINGER_MS = 2_000;

  private final Vertx vertx;
  private final SessionAuth auth;
  private final Path uploadDir;
  private final long maxBytes;
  private final UploadsInFlight inFlight;
  private final SecureRandom random = new SecureRandom();

  public UploadRoutes(Vertx vertx, SessionAuth auth, Path uploadDir, long maxBytes, int maxInFlightPerUser) {
    this.vertx = vertx;
    this.auth = auth;
    this.uploadDir = uploadDir;
    this.maxBytes = maxBytes;
    this.inFlight = new UploadsInFlight(vertx, maxInFlightPerUser);
  }

  public void mount(Router router, Api api) {
    BodyHandler body = BodyHandler.create(true)
        .setBodyLimit(maxBytes + 64 * 1024)
        .setUploadsDirectory(uploadDir.resolveSibling("upload-tmp").toString())
        .setDeleteUploadedFilesOnEnd(true);
    api.post("/attach/upload", Shape.RESULT, this::admit, body, this::upload);
    router.route("/asset/upload/*").handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    }).handler(StaticHandler.create(FileSystemAccess.ROOT, uploadDir.toString()).setDirectoryListing(false));
  }

  /** Before the body: the caller's token and their uploads in flight; the body waits (paused) meanwhile. */
  private void admit(RoutingContext ctx) {
    ctx.request().pause();
    auth.caller(ctx)
        .map(Caller::userId)
        .compose(this::startUpload)
        .onSuccess(caller -> {
          ctx.addEndHandler(v -> inFlight.release(caller));
          ctx.next();   // the BodyHandler resumes the request
        })
        .onFailure(err -> refuse(ctx, err));
  }

  private Future<Long> startUpload(long caller) {
    return inFlight.acquire(caller) ? Future.succeededFuture(caller)
        : Failures.fail(Failures.TOO_MANY, GinchatText.TOO_MANY_UPLOADS);
  }

  private void refuse(RoutingContext ctx, Throwable why) {
    HttpServerRequest req = ctx.request();
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    ctx.addEndHandler(v -> discardThenClose(req));
    ctx.fail(why);
  }

  /** The rest of a refused body is read into nothing (never to disk) for at most {@link #LINGER_MS}. */
  private void discardThenClose(HttpServerRequest req) {
    if (req.isEnded()) {
      req.connection().close();
      return;
    }
    long timer = vertx.setTimer(LINGER_MS, t -> req.connection().close());
    req.handler(ignored -> { }).endHandler(v -> {
      vertx.cancelTimer(timer);
      req.connection().close();
    });
    req.resume();
  }

  private void upload(RoutingContext ctx) {
    store(ctx)
        .onSuccess(url -> Replies.result(ctx, GinchatText.UPLOADED, url))
        .onFailure(ctx::fail);
  }

  private Future<String> store(RoutingContext ctx) {
    FileUpload file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    if (file == null) {
      return Failures.fail(Failures.BAD_REQUEST, GinchatText.NO_FILE);
    }
    if (file.size() == 0) {
      return Failures.fail(Failures.BAD_REQUEST, GinchatText.EMPTY_FILE);
    }
    if (file.size() > maxBytes) {
      return Failures.fail(Failures.TOO_LARGE, GinchatText.fileTooLarge(maxBytes));
    }
    return kindOf(file.uploadedFileName()).compose(found -> found.isPresent() ? keep(file, found.get())
        : Failures.fail(Failures.BAD_REQUEST, GinchatText.NOT_MEDIA));
  }

  /** The extension of what the file is, by its first bytes (its name and declared type prove nothing). */
  private Future<Optional<String>> kindOf(String path) {
    return vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false))
        .compose(f -> f.read(Buffer.buffer(MediaSignatures.HEAD_BYTES), 0, 0, MediaSignatures.HEAD_BYTES)
            .map(head -> MediaSignatures.extensionOf(head.getBytes()))
            .eventually(f::close));
  }

  private Future<String> keep(FileUpload file, String ext) {
    String name = System.currentTimeMillis() + "-" + HexFormat.of().formatHex(randomBytes()) + "." + ext;
    String target = uploadDir.resolve(name).toString();
    // Readable by the server's user only, as the rest of the data directory (the server serves them itself);
    // without POSIX permissions (Windows) the plain calls.
    return vertx.fileSystem().mkdirs(uploadDir.toString(), PrivateFiles.DIRECTORY)
        .recover(noPosix -> vertx.fileSystem().mkdirs(uploadDir.toString()))
        .compose(v -> vertx.fileSystem().move(file.uploadedFileName(), target))
        .compose(v -> vertx.fileSystem().chmod(target, PrivateFiles.FILE).otherwiseEmpty())
        .map(v -> PUBLIC_PREFIX + name);
  }

  private byte[] randomBytes() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return b;
  }
}
