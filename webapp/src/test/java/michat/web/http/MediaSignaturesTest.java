package michat.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each kind the upload keeps, recognised by its first bytes; what is none of them, refused. */
class MediaSignaturesTest {
  private static Optional<String> of(int... bytes) {
    byte[] head = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      head[i] = (byte) bytes[i];
    }
    return MediaSignatures.extensionOf(head);
  }

  private static Optional<String> of(String ascii, int pad) {
    byte[] text = ascii.getBytes(StandardCharsets.ISO_8859_1);
    byte[] head = new byte[text.length + pad];
    System.arraycopy(text, 0, head, 0, text.length);
    return MediaSignatures.extensionOf(head);
  }

  @Test
  void imagesAndAudioByTheirSignatures() {
    assertEquals(Optional.of("png"), of(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0));
    assertEquals(Optional.of("jpg"), of(0xFF, 0xD8, 0xFF, 0xE0));
    assertEquals(Optional.of("gif"), of("GIF89a", 4));
    assertEquals(Optional.of("webp"), of("RIFF\0\0\0\0WEBPVP8 ", 0));
    assertEquals(Optional.of("wav"), of("RIFF\0\0\0\0WAVEfmt ", 0));
    assertEquals(Optional.of("bmp"), of("BM", 12));
    assertEquals(Optional.of("webm"), of(0x1A, 0x45, 0xDF, 0xA3, 0x9F));
    assertEquals(Optional.of("ogg"), of("OggS", 4));
    assertEquals(Optional.of("m4a"), of("\0\0\0\u001CftypM4A ", 0));
    assertEquals(Optional.of("mp3"), of("ID3", 5));
    assertEquals(Optional.of("mp3"), of(0xFF, 0xFB, 0x90, 0x00));   // an MPEG-1 layer III frame header
    assertEquals(Optional.of("aac"), of(0xFF, 0xF1, 0x50, 0x80));   // ADTS
    assertEquals(Optional.of("amr"), of("#!AMR\n", 0));
  }

  @Test
  void anythingElseIsNoneOfThem() {
    assertEquals(Optional.empty(), of("<svg onload=alert(1)>", 0));
    assertEquals(Optional.empty(), of("<!DOCTYPE html>", 0));
    assertEquals(Optional.empty(), of("RIFF\0\0\0\0AVI LIST", 0));   // a RIFF that is neither WebP nor WAVE
    assertEquals(Optional.empty(), of("BM", 0));                     // too short to be a bitmap
    assertEquals(Optional.empty(), of(0xFF, 0xFD));                  // MPEG layer I/II, not III
    assertEquals(Optional.empty(), of());
  }
}
