package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ginchat dialect — its response shapes and field names (GinchatJson) and the sentences its clients
 * show (GinchatText), package michat.ginchat — is spoken at the edges only: the web role's routes and the chat gateway. The
 * services answer with records and {@link michat.contract.Refusal}s, so this checks their sources.
 */
class DialectAtTheEdgeTest {
  private static final List<String> SERVICES = List.of("user-service", "message-router", "presence-service");
  private static final List<String> DIALECT = List.of("michat.ginchat", "GinchatJson", "GinchatText");

  @Test
  void servicesDoNotSpeakTheGinchatDialect() throws IOException {
    int checked = 0;
    for (String module : SERVICES) {
      Path sources = Path.of("..", module, "src", "main", "java");
      assertTrue(Files.isDirectory(sources), sources + " exists");
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String text = Files.readString(file);
          for (String name : DIALECT) {
            assertTrue(!text.contains(name), file + " uses " + name + ": answer with a record or a Refusal instead");
          }
          checked++;
        }
      }
    }
    assertTrue(checked > 20, "the services' sources were found (" + checked + " files)");
  }

  @Test
  void everyRefusalHasItsWords() {
    for (michat.contract.Refusal r : michat.contract.Refusal.values()) {
      String words = michat.ginchat.GinchatText.of(r.failure("7"));
      assertTrue(words != null && !words.isBlank() && !words.equals(r.key()), r + " has words: " + words);
      assertEquals(r, michat.contract.Refusal.of(r.failure("7")).orElseThrow().reason(), "its key reads back");
    }
  }
}
