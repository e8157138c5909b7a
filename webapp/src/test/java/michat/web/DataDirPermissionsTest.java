package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** On the embedded default, the data directory and everything in it belong to the server's user alone. */
class DataDirPermissionsTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};

  @Test
  void aNewDataDirectoryAndItsFilesAreOwnerOnly() throws Exception {
    Path dir = TestServer.tempDir().resolve("data");   // not there yet: the server creates it
    try (TestServer server = TestServer.embedded(dir, Map.of())) {
      String token = server.newUser("perm-" + ProcessHandle.current().pid()).getString("Identity");
      HttpResponse<Buffer> r = TestServer.await(server.client.post("/attach/upload").bearerTokenAuthentication(token)
          .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", "a.png", Buffer.buffer(PNG), "image/png")));
      assertEquals(200, TestServer.status(r), r.bodyAsString());
      assertEquals("rwx------", permissions(dir));
      assertEquals("rw-------", permissions(dir.resolve("michat.mv.db")));
      assertEquals("rw-------", permissions(dir.resolve("token-secret")));
      assertEquals("rwx------", permissions(dir.resolve("upload")));
      List<Path> uploads = list(dir.resolve("upload"));
      assertEquals(1, uploads.size());
      assertEquals("rw-------", permissions(uploads.get(0)), "an uploaded file");
    }
  }

  @Test
  void anExistingInstallationIsTightenedAtStart() throws Exception {
    Path dir = TestServer.tempDir();
    try (TestServer first = TestServer.embedded(dir, Map.of())) {
      first.newUser("old-" + ProcessHandle.current().pid());
    }
    Files.createDirectories(dir.resolve("upload"));
    Files.writeString(dir.resolve("upload").resolve("1-old.png"), "old");
    // As an earlier version left them: the umask's 0755 and 0644.
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) tree::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    try (TestServer again = TestServer.embedded(dir, Map.of())) {
      assertEquals(200, TestServer.status(again.get("/health")));
      try (Stream<Path> tree = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) tree::iterator) {
          assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", permissions(p), p.toString());
        }
      }
      assertTrue(Files.exists(dir.resolve("michat.mv.db")));
    }
  }

  private static String permissions(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
