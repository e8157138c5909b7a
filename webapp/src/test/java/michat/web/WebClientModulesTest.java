package michat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chat page's ES modules as a browser gets them: the page loads the entry as a module, every
 * module it imports (transitively) is served, as JavaScript, revalidated on each load (they import
 * each other without the page's ?v=), none is left unused, and none writes HTML.
 */
class WebClientModulesTest {
  private static final Path SOURCES = Path.of("src/main/resources/webroot/asset/js/chat");
  private static final Pattern ENTRY = Pattern.compile("<script type=\"module\" src=\"/asset/js/chat/([\\w-]+\\.js)(\\?v=\\w+)?\"");
  private static final Pattern IMPORT = Pattern.compile("from '\\./([\\w-]+\\.js)'");

  @Test
  void theEntryModuleAndEverythingItImportsAreServedAndRevalidated() throws IOException {
    try (TestServer server = TestServer.embedded()) {
      JsonObject u = server.newUser("modules");
      HttpResponse<Buffer> page = TestServer.await(server.client.get("/toChat")
          .putHeader("Cookie", "michat_token=" + u.getString("Identity")).send());
      assertEquals(200, page.statusCode());
      Matcher entry = ENTRY.matcher(page.bodyAsString());
      assertTrue(entry.find(), "the chat page loads its entry module");

      Set<String> served = new TreeSet<>();
      Deque<String> todo = new ArrayDeque<>();
      todo.add(entry.group(1));
      while (!todo.isEmpty()) {
        String name = todo.pop();
        if (!served.add(name)) {
          continue;
        }
        HttpResponse<Buffer> js = server.get("/asset/js/chat/" + name);
        assertEquals(200, js.statusCode(), name);
        assertTrue(js.getHeader("Content-Type").contains("javascript"), name + ": " + js.getHeader("Content-Type"));
        assertEquals("no-cache", js.getHeader("Cache-Control"), name);
        Matcher imports = IMPORT.matcher(js.bodyAsString());
        while (imports.find()) {
          todo.add(imports.group(1));
        }
      }
      try (Stream<Path> files = Files.list(SOURCES)) {
        assertEquals(files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)), served,
            "every module is used, every import exists");
      }
    }
  }

  @Test
  void noModuleWritesHtml() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.toList()) {
        String source = Files.readString(file);
        for (String sink : new String[] {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"}) {
          assertFalse(source.contains(sink), file.getFileName() + " uses " + sink + ": user text goes in with textContent");
        }
      }
    }
  }
}
