package michat.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The resolved configuration: a flat map of canonical keys (see {@link ConfigKeys}) built from the
 * defaults in the jar, then an optional {@code -conf} file (JSON or YAML, nested or dotted keys,
 * the original's names allowed), then environment variables. Verticles receive it as their deployment
 * config ({@link #toJson()}) and wrap it again with {@link #of(JsonObject)}.
 */
public final class MichatConfig {
  private static final String DEFAULTS = "michat-defaults.json";
  private static final String SOURCES = "_sources";
  private static final Map<String, ConfigKey> BY_NAME = new HashMap<>();

  static {
    for (ConfigKey k : ConfigKeys.ALL) {
      BY_NAME.put(k.name().toLowerCase(Locale.ROOT), k);
      for (String alias : k.aliases()) {
        BY_NAME.put(alias.toLowerCase(Locale.ROOT), k);
      }
    }
  }

  private final JsonObject values;
  private final JsonObject sources;

  private MichatConfig(JsonObject values, JsonObject sources) {
    this.values = values;
    this.sources = sources;
  }

  /** Loads defaults, then the file (may be null), then the given environment. */
  public static MichatConfig load(Path confFile, Map<String, String> env) {
    JsonObject values = new JsonObject();
    JsonObject sources = new JsonObject();
    JsonObject defaults = readDefaults();
    for (String name : defaults.fieldNames()) {
      values.put(name, defaults.getValue(name));
      sources.put(name, "defaults");
    }
    if (confFile != null) {
      applyFile(confFile, values, sources);
    }
    for (ConfigKey key : ConfigKeys.ALL) {
      for (String var : key.envVars()) {
        String v = env.get(var);
        if (v != null && !v.isEmpty()) {
          values.put(key.name(), v);
          sources.put(key.name(), "environment " + var);
          break;
        }
      }
    }
    return new MichatConfig(values, sources);
  }

  /** Overrides single keys, e.g. from the command line; returns a new config. */
  public MichatConfig with(ConfigKey key, Object value, String source) {
    JsonObject v = values.copy().put(key.name(), value);
    JsonObject s = sources.copy().put(key.name(), source);
    return new MichatConfig(v, s);
  }

  /** Rebuilds the config passed to a verticle. */
  public static MichatConfig of(JsonObject json) {
    JsonObject values = json.copy();
    JsonObject sources = values.getJsonObject(SOURCES, new JsonObject());
    values.remove(SOURCES);
    return new MichatConfig(values, sources);
  }

  public JsonObject toJson() {
    return values.copy().put(SOURCES, sources.copy());
  }

  public String string(ConfigKey key) {
    Object v = values.getValue(key.name());
    return v == null ? "" : String.valueOf(v).trim();
  }

  public boolean isSet(ConfigKey key) {
    return !string(key).isEmpty();
  }

  public int integer(ConfigKey key, long min, long max) {
    long v = number(key, min, max);
    return (int) v;
  }

  public long number(ConfigKey key, long min, long max) {
    String raw = string(key);
    long v;
    try {
      v = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a whole number, got '" + raw + "'");
    }
    if (v < min || v > max) {
      throw invalid(key, "must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  public boolean bool(ConfigKey key) {
    String raw = string(key).toLowerCase(Locale.ROOT);
    switch (raw) {
      case "true", "yes", "1", "on": return true;
      case "false", "no", "0", "off", "": return false;
      default: throw invalid(key, "must be true or false, got '" + raw + "'");
    }
  }

  public Path path(ConfigKey key) {
    return Paths.get(string(key)).toAbsolutePath().normalize();
  }

  public ConfigException invalid(ConfigKey key, String reason) {
    return ConfigException.of(key, sources.getString(key.name()), reason);
  }

  public String sourceOf(ConfigKey key) {
    return sources.getString(key.name(), "defaults");
  }

  private static JsonObject readDefaults() {
    try (InputStream in = MichatConfig.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void applyFile(Path file, JsonObject values, JsonObject sources) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " (-conf): cannot be read: " + e.getMessage());
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", parse(file, text), flat);
    Set<String> unknown = flat.keySet().stream()
        .filter(k -> !BY_NAME.containsKey(k.toLowerCase(Locale.ROOT)))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    if (!unknown.isEmpty()) {
      throw new ConfigException("config file " + file + " (-conf): unknown setting(s) " + unknown
          + "; known: see the README's configuration table");
    }
    // Aliases first, canonical names last, so a canonical name wins when a file has both.
    flat.entrySet().stream()
        .sorted((a, b) -> Boolean.compare(isCanonical(a.getKey()), isCanonical(b.getKey())))
        .forEach(e -> {
          ConfigKey key = BY_NAME.get(e.getKey().toLowerCase(Locale.ROOT));
          Object v = e.getValue();
          values.put(key.name(), v == null ? "" : v);
          sources.put(key.name(), "config file " + file.getFileName() + " key " + e.getKey());
        });
  }

  private static boolean isCanonical(String name) {
    ConfigKey key = BY_NAME.get(name.toLowerCase(Locale.ROOT));
    return key != null && key.name().equalsIgnoreCase(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(Path file, String text) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".json")) {
        return new JsonObject(text).getMap();
      }
      Object doc = new Yaml().load(text);
      if (doc == null) {
        return Map.of();
      }
      if (!(doc instanceof Map)) {
        throw new ConfigException("config file " + file + " (-conf): must be a map of settings");
      }
      return (Map<String, Object>) doc;
    } catch (DecodeException | YAMLException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ");
      throw new ConfigException("config file " + file + " (-conf): not valid " 
          + (name.endsWith(".json") ? "JSON" : "YAML") + ": " + msg);
    }
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String name = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map && !BY_NAME.containsKey(name.toLowerCase(Locale.ROOT))) {
        flatten(name, (Map<String, Object>) v, out);
      } else if (v instanceof JsonObject jo) {
        flatten(name, jo.getMap(), out);
      } else {
        out.put(name, v);
      }
    }
  }
}
