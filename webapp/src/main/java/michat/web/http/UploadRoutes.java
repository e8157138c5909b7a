package michat.web.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import michat.model.Failures;
import michat.model.SeedMessages;

/**
 * {@code /attach/upload}: images and audio clips for chat messages and avatars. Files are stored
 * under {@code <data.dir>/upload} with generated names (nothing of the client's file name but a
 * checked extension survives, so no name can escape the directory) and served back under
 * {@code /asset/upload/} with {@code nosniff}, so a file is only ever shown as its type.
 */
public final class UploadRoutes {
  public static final String PUBLIC_PREFIX = "./asset/upload/";
  /** Allowed extensions and the media kind each belongs to. */
  static final Map<String, String> EXTENSIONS = Map.ofEntries(
      Map.entry("png", "image"), Map.entry("jpg", "image"), Map.entry("jpeg", "image"),
      Map.entry("gif", "image"), Map.entry("webp", "image"), Map.entry("bmp", "image"),
      Map.entry("mp3", "audio"), Map.entry("wav", "audio"), Map.entry("ogg", "audio"),
      Map.entry("oga", "audio"), Map.entry("m4a", "audio"), Map.entry("aac", "audio"),
      Map.entry("webm", "audio"), Map.entry("amr", "audio"), Map.entry("opus", "audio"));

  private final Vertx vertx;
  private final SessionAuth auth;
  private final Path uploadDir;
  private final long maxBytes;
  private final SecureRandom random = new SecureRandom();

  public UploadRoutes(Vertx vertx, SessionAuth auth, Path uploadDir, long maxBytes) {
    this.vertx = vertx;
    this.auth = auth;
    this.uploadDir = uploadDir;
    this.maxBytes = maxBytes;
  }

  public void mount(Router router, Api api) {
    BodyHandler body = BodyHandler.create(true)
        .setBodyLimit(maxBytes + 64 * 1024)
        .setUploadsDirectory(uploadDir.resolveSibling("upload-tmp").toString())
        .setDeleteUploadedFilesOnEnd(true);
    api.post("/attach/upload", Shape.H, body, this::upload);
    router.route("/asset/upload/*").handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    }).handler(StaticHandler.create(FileSystemAccess.ROOT, uploadDir.toString()).setDirectoryListing(false));
  }

  private void upload(RoutingContext ctx) {
    auth.caller(ctx)
        .compose(caller -> store(ctx))
        .onSuccess(url -> Replies.h(ctx, SeedMessages.UPLOADED, url))
        .onFailure(ctx::fail);
  }

  private Future<String> store(RoutingContext ctx) {
    FileUpload file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    if (file == null) {
      return Failures.fail(Failures.BAD_REQUEST, "multipart field 'file' is required");
    }
    if (file.size() == 0) {
      return Failures.fail(Failures.BAD_REQUEST, "the file is empty");
    }
    if (file.size() > maxBytes) {
      return Failures.fail(Failures.TOO_LARGE, "the file is larger than " + maxBytes + " bytes");
    }
    String ext = extension(file.fileName());
    String kind = EXTENSIONS.get(ext);
    String type = file.contentType() == null ? "" : file.contentType().toLowerCase(Locale.ROOT);
    if (kind == null || !(type.startsWith(kind + "/") || type.equals("application/octet-stream")
        || (ext.equals("webm") && type.equals("video/webm")))) {
      return Failures.fail(Failures.BAD_REQUEST, "only images (png, jpg, gif, webp, bmp) and audio "
          + "(mp3, wav, ogg, m4a, aac, webm, amr, opus) may be uploaded");
    }
    String name = System.currentTimeMillis() + "-" + HexFormat.of().formatHex(randomBytes()) + "." + ext;
    return vertx.fileSystem().mkdirs(uploadDir.toString())
        .compose(v -> vertx.fileSystem().move(file.uploadedFileName(), uploadDir.resolve(name).toString()))
        .map(v -> PUBLIC_PREFIX + name);
  }

  private byte[] randomBytes() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return b;
  }

  private static String extension(String fileName) {
    if (fileName == null) {
      return "";
    }
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
