package michat.web.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What an uploaded file is, by its first bytes rather than by its name or declared type: browsers
 * upload a voice recording as a file named {@code blob} with their recording type (WebM in Chromium,
 * Ogg or MP4 elsewhere) whatever the page claims. The answer is the extension it is stored under, so
 * it is served back as what it is; anything that is neither an image nor audio has none.
 */
final class MediaSignatures {
  /** Enough for every signature below. */
  static final int HEAD_BYTES = 16;

  private MediaSignatures() {}

  /** The extension of the image or audio file that begins with {@code head}, if it is one. */
  static Optional<String> extensionOf(byte[] head) {
    if (starts(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of("png");
    }
    if (starts(head, 0, 0xFF, 0xD8, 0xFF)) {
      return Optional.of("jpg");
    }
    if (ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a")) {
      return Optional.of("gif");
    }
    if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) {
      return Optional.of("webp");
    }
    if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) {
      return Optional.of("wav");
    }
    if (ascii(head, 0, "BM") && head.length >= 14) {
      return Optional.of("bmp");
    }
    if (starts(head, 0, 0x1A, 0x45, 0xDF, 0xA3)) {   // EBML: WebM (Chromium's MediaRecorder)
      return Optional.of("webm");
    }
    if (ascii(head, 0, "OggS")) {
      return Optional.of("ogg");
    }
    if (ascii(head, 4, "ftyp")) {                     // ISO media: MP4 audio (Safari's MediaRecorder)
      return Optional.of("m4a");
    }
    if (ascii(head, 0, "ID3") || (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xE6) == 0xE2)) {
      return Optional.of("mp3");                      // an ID3 tag, or an MPEG audio layer III frame header
    }
    if (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xF6) == 0xF0) {
      return Optional.of("aac");                      // ADTS
    }
    if (ascii(head, 0, "#!AMR")) {
      return Optional.of("amr");
    }
    return Optional.empty();
  }

  private static boolean starts(byte[] head, int at, int... bytes) {
    if (head.length < at + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((head[at + i] & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] head, int at, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (head.length < at + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (head[at + i] != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}
