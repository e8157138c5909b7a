package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import michat.ginchat.GinchatText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads are admitted before their body is read: a stranger's body never reaches the disk, and one
 * user sends at most two at once. Over raw sockets, so that a body can be left half sent.
 */
class UploadAdmissionTest {
  private static final String BOUNDARY = "michat-test-boundary";
  private static final String HEAD = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
      + "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n";
  private static final String TAIL = "\r\n--" + BOUNDARY + "--\r\n";
  private static final int FILE_BYTES = 4 << 20;
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.embedded(TestServer.tempDir(), Map.of("MICHAT_UPLOAD_MAX_BYTES", Integer.toString(FILE_BYTES)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anUnauthenticatedUploadIsRefusedBeforeItsBodyIsStored() throws Exception {
    try (Socket s = connect()) {
      startUpload(s, null, 64 * 1024);   // a 4 MB upload, its first 64 KB sent, the rest held back
      assertEquals(401, statusOf(readResponse(s)), "answered before the body is complete");
      assertEquals(0, filesIn(tmpDir()), "nothing of the body was written to " + tmpDir());
    }
  }

  @Test
  void aThirdConcurrentUploadOfOneUserIsRefused() throws Exception {
    String token = server.newUser("up-" + ProcessHandle.current().pid()).getString("Identity");
    try (Socket one = connect(); Socket two = connect(); Socket three = connect()) {
      startUpload(one, token, 8 * 1024);
      startUpload(two, token, 8 * 1024);
      long deadline = System.currentTimeMillis() + 10_000;
      while (filesIn(tmpDir()) < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, filesIn(tmpDir()), "both uploads are being received");

      startUpload(three, token, 8 * 1024);
      String refused = readResponse(three);
      assertEquals(429, statusOf(refused), refused);
      JsonObject h = new JsonObject(refused.substring(refused.indexOf("\r\n\r\n") + 4));
      assertEquals(-1, h.getInteger("Code"));
      assertEquals(GinchatText.TOO_MANY_UPLOADS, h.getString("Msg"));

      finishUpload(one, 8 * 1024);
      finishUpload(two, 8 * 1024);
      assertEquals(200, statusOf(readResponse(one)));
      assertEquals(200, statusOf(readResponse(two)));
    }
    try (Socket again = connect()) {
      startUpload(again, token, FILE_BYTES);
      finishUpload(again, FILE_BYTES);
      assertEquals(200, statusOf(readResponse(again)), "finished uploads give their slots back");
    }
  }

  // ---- raw HTTP ----

  private Path tmpDir() {
    return server.dataDir.resolve("upload-tmp");
  }

  private static long filesIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port), 5_000);
    s.setSoTimeout(15_000);
    return s;
  }

  /** Sends the headers of a {@link #FILE_BYTES} upload and the first {@code sent} bytes of its file. */
  private static void startUpload(Socket s, String token, int sent) throws IOException {
    long length = HEAD.length() + FILE_BYTES + TAIL.length();
    String headers = "POST /attach/upload HTTP/1.1\r\nHost: michat\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
        + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + length + "\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write((headers + HEAD).getBytes(StandardCharsets.UTF_8));
    out.write(PNG_SIGNATURE);   // what the file is, by its content
    out.write(filler(sent - PNG_SIGNATURE.length));
    out.flush();
  }

  private static void finishUpload(Socket s, int alreadySent) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(filler(FILE_BYTES - alreadySent));
    out.write(TAIL.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static byte[] filler(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  /** Status line, headers and a Content-Length body. */
  private static String readResponse(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after: " + head.toString(StandardCharsets.UTF_8));
      }
      head.write(c);
    }
    String headers = head.toString(StandardCharsets.UTF_8);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** michat's status of a raw HTTP answer: its X-Michat-Status header, else the HTTP status. */
  private static int statusOf(String response) {
    String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n"))).toLowerCase(java.util.Locale.ROOT);
    int at = head.indexOf("\r\nx-michat-status: ");
    return at < 0 ? Integer.parseInt(response.substring(9, 12))
        : Integer.parseInt(head.substring(at + 19, at + 22));
  }
}
