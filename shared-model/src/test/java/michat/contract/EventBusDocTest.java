package michat.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import michat.contract.v1.ServiceApi;
import org.junit.jupiter.api.Test;

/**
 * docs/event-bus.md lists every address with its records exactly as {@link Contracts} defines them:
 * the part between the markers is rendered from the records and must match. After changing a
 * contract, regenerate it with {@code mvn -pl shared-model test -Dtest=EventBusDocTest -Dmichat.writeDocs=true}.
 */
class EventBusDocTest {
  private static final Path DOC = Path.of("..", "docs", "event-bus.md");
  private static final String BEGIN = "<!-- contracts: generated from michat.contract by EventBusDocTest; do not edit by hand -->";
  private static final String END = "<!-- end of contracts -->";

  @Test
  void theDocumentMatchesTheRecords() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int from = doc.indexOf(BEGIN);
    int to = doc.indexOf(END);
    assertTrue(from >= 0 && to > from, DOC + " has no contracts section between its markers");
    String rendered = render();
    String current = doc.substring(from + BEGIN.length(), to);
    if (Boolean.getBoolean("michat.writeDocs") && !current.equals(rendered)) {
      Files.writeString(DOC, doc.substring(0, from + BEGIN.length()) + rendered + doc.substring(to), StandardCharsets.UTF_8);
      return;
    }
    assertEquals(rendered, current, DOC + " is out of date: run this test with -Dmichat.writeDocs=true");
  }

  static String render() {
    StringBuilder out = new StringBuilder("\n");
    section(out, "user-service", UserApi.ENDPOINTS, UserApi.TOPICS);
    section(out, "message-router", RouterApi.ENDPOINTS, RouterApi.TOPICS);
    section(out, "presence-service", PresenceApi.ENDPOINTS, PresenceApi.TOPICS);
    section(out, "for other services: michat.v1 (`ServiceApi`, public and versioned)", ServiceApi.ENDPOINTS,
        ServiceApi.TOPICS);
    out.append("### Records\n\n");
    out.append("Field names are the record components' names; between JVMs a record travels as a JSON object of them.\n\n");
    for (Class<?> type : records()) {
      out.append("- `").append(name(type)).append("` {")
          .append(Arrays.stream(type.getRecordComponents()).map(c -> c.getName() + ": " + typeName(c.getGenericType()))
              .collect(Collectors.joining(", ")))
          .append("}")
          .append(ActsForUser.class.isAssignableFrom(type) ? " — acts for its caller" : "")
          .append("\n");
    }
    out.append("\n### Refusals\n\n| key | status |\n|---|---|\n");
    for (Refusal r : Refusal.values()) {
      out.append("| `").append(r.key()).append("` | ").append(r.status).append(" |\n");
    }
    return out.append("\n").toString();
  }

  private static void section(StringBuilder out, String service, List<Endpoint<?, ?>> endpoints, List<Topic<?>> topics) {
    out.append("### ").append(service).append("\n\n");
    if (!endpoints.isEmpty()) {
      out.append("| address | request → reply | timeout | called by | what it does |\n|---|---|---|---|---|\n");
      for (Endpoint<?, ?> e : endpoints) {
        out.append("| `").append(e.address()).append("` | `").append(name(e.request())).append("` → `")
            .append(name(e.reply())).append("` | ").append(e.timeoutMs() / 1000).append(" s | ").append(e.callers())
            .append(" | ").append(e.description()).append(" |\n");
      }
      out.append("\n");
    }
    if (!topics.isEmpty()) {
      out.append("| one-way address | record | sent by | what it says |\n|---|---|---|---|\n");
      for (Topic<?> t : topics) {
        out.append("| `").append(t.address()).append("` | `").append(name(t.type())).append("` | ").append(t.senders())
            .append(" | ").append(t.description()).append(" |\n");
      }
      out.append("\n");
    }
  }

  /** Every record a message contains, transitively, in the order first met. */
  private static Set<Class<?>> records() {
    Set<Class<?>> seen = new LinkedHashSet<>();
    List<Class<?>> todo = new ArrayList<>(Contracts.types());
    while (!todo.isEmpty()) {
      Class<?> type = todo.remove(0);
      if (type.isRecord() && seen.add(type)) {
        for (RecordComponent c : type.getRecordComponents()) {
          collect(c.getGenericType(), todo);
        }
      }
    }
    return seen;
  }

  private static void collect(Type type, List<Class<?>> into) {
    if (type instanceof Class<?> c) {
      into.add(c);
    } else if (type instanceof ParameterizedType p) {
      Arrays.stream(p.getActualTypeArguments()).forEach(a -> collect(a, into));
    }
  }

  private static String name(Class<?> type) {
    return type.getEnclosingClass() == null || !type.getEnclosingClass().getSimpleName().endsWith("Api")
        ? type.getSimpleName() : type.getEnclosingClass().getSimpleName() + "." + type.getSimpleName();
  }

  /** A field's type; "?" marks a number or boolean that may be null (absent). */
  private static String typeName(Type type) {
    return typeName(type, false);
  }

  private static String typeName(Type type, boolean inCollection) {
    if (type instanceof ParameterizedType p) {
      return typeName(p.getRawType()) + "<" + Arrays.stream(p.getActualTypeArguments()).map(a -> typeName(a, true))
          .collect(Collectors.joining(", ")) + ">";
    }
    Class<?> c = (Class<?>) type;
    String optional = c.isPrimitive() || inCollection ? "" : "?";
    return switch (c.getSimpleName()) {
      case "JsonObject" -> "JSON object";
      case "long", "int", "Long", "Integer" -> "number" + optional;
      case "boolean", "Boolean" -> "boolean" + optional;
      case "String" -> "string";
      default -> c.isEnum() ? Arrays.stream(c.getEnumConstants()).map(k -> "\"" + k + "\"").collect(Collectors.joining(" | "))
          : c.isRecord() ? name(c) : c.getSimpleName();
    };
  }
}
