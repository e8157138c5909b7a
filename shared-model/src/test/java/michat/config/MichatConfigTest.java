package michat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MichatConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsComeFromTheJar() {
    MichatConfig cfg = MichatConfig.load(null, Map.of());
    assertEquals(8080, cfg.integer(ConfigKeys.HTTP_PORT, 1, 65535));
    assertEquals("all", cfg.string(ConfigKeys.ROLES));
    assertFalse(MySqlSettings.from(cfg).isPresent(), "embedded H2 by default");
    assertFalse(RedisSettings.from(cfg).isPresent(), "in-JVM presence by default");
  }

  @Test
  void seedYamlNamesAreAliasesAndEnvironmentWins() throws IOException {
    Path file = dir.resolve("app.yml");
    Files.writeString(file, String.join("\n",
        "port:",
        "  server: 9090",
        "mysql:",
        "  dns: ginchat:pw@tcp(10.1.2.3:3307)/ginchat?charset=utf8mb4&parseTime=True&loc=Local",
        "redis:",
        "  addr: 127.0.0.1:6380",
        "  password: hunter2",
        "  DB: 3",
        "timeout:",
        "  DelayHeartbeat: 5",
        "  HeartbeatHz: 7",
        "  HeartbeatMaxTime: 90",
        "  RedisOnlineTime: 2",
        ""));
    MichatConfig cfg = MichatConfig.load(file, Map.of());
    assertEquals(9090, cfg.integer(ConfigKeys.HTTP_PORT, 1, 65535));
    assertEquals(5, cfg.integer(ConfigKeys.HEARTBEAT_FIRST_SWEEP, 0, 3600));
    assertEquals(7, cfg.integer(ConfigKeys.HEARTBEAT_SWEEP, 0, 3600));
    assertEquals(90, cfg.integer(ConfigKeys.HEARTBEAT_MAX_IDLE, 0, 3600));
    assertEquals(2, cfg.integer(ConfigKeys.ONLINE_TTL_HOURS, 0, 3600));
    MySqlSettings m = MySqlSettings.from(cfg).orElseThrow();
    assertEquals("10.1.2.3", m.host());
    assertEquals(3307, m.port());
    assertEquals("ginchat", m.database());
    assertEquals("ginchat", m.user());
    assertEquals("pw", m.password());
    RedisSettings r = RedisSettings.from(cfg).orElseThrow();
    assertEquals("redis://:hunter2@127.0.0.1:6380/3", r.connectionString());
    assertFalse(r.describe().contains("hunter2"));
    assertFalse(m.describe().contains("pw@"));

    MichatConfig env = MichatConfig.load(file, Map.of("PORT", "7070", "MICHAT_MYSQL_URL", "mysql://u:p%40ss@db:3306/chat"));
    assertEquals(7070, env.integer(ConfigKeys.HTTP_PORT, 1, 65535));
    MySqlSettings em = MySqlSettings.from(env).orElseThrow();
    assertEquals("db", em.host());
    assertEquals("p@ss", em.password());
    assertEquals("chat", em.database());
  }

  @Test
  void jsonFilesWithDottedKeysWork() throws IOException {
    Path file = dir.resolve("michat.json");
    Files.writeString(file, "{\"http.port\": 8181, \"mysql\": {\"host\": \"127.0.0.1\", \"database\": \"m1\"}}");
    MichatConfig cfg = MichatConfig.load(file, Map.of());
    assertEquals(8181, cfg.integer(ConfigKeys.HTTP_PORT, 1, 65535));
    MySqlSettings m = MySqlSettings.from(cfg).orElseThrow();
    assertEquals("m1", m.database());
    assertEquals(3306, m.port());
  }

  @Test
  void wrongSettingsSayWhichAndWhy() throws IOException {
    ConfigException port = assertThrows(ConfigException.class,
        () -> MichatConfig.load(null, Map.of("PORT", "eighty")).integer(ConfigKeys.HTTP_PORT, 1, 65535));
    assertEquals("setting http.port (PORT) from environment PORT: must be a whole number, got 'eighty'", port.getMessage());

    ConfigException url = assertThrows(ConfigException.class,
        () -> MySqlSettings.from(MichatConfig.load(null, Map.of("MICHAT_MYSQL_URL", "postgres://x@y/z"))));
    assertTrue(url.getMessage().startsWith("setting mysql.url (MICHAT_MYSQL_URL)"), url.getMessage());

    ConfigException db = assertThrows(ConfigException.class,
        () -> MySqlSettings.from(MichatConfig.load(null, Map.of("MICHAT_MYSQL_URL", "mysql://root@h/bad;name"))));
    assertTrue(db.getMessage().contains("database name"), db.getMessage());

    Path unknown = dir.resolve("bad.yml");
    Files.writeString(unknown, "prot: 1\n");
    ConfigException typo = assertThrows(ConfigException.class, () -> MichatConfig.load(unknown, Map.of()));
    assertTrue(typo.getMessage().contains("unknown setting(s) [prot]"), typo.getMessage());

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"http.port\": ");
    ConfigException json = assertThrows(ConfigException.class, () -> MichatConfig.load(broken, Map.of()));
    assertTrue(json.getMessage().contains("not valid JSON"), json.getMessage());
    assertFalse(json.getMessage().contains("\n"));

    ConfigException missing = assertThrows(ConfigException.class, () -> MichatConfig.load(dir.resolve("nope.yml"), Map.of()));
    assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
  }

  @Test
  void configSurvivesTheTripToAVerticle() {
    MichatConfig cfg = MichatConfig.load(null, Map.of("PORT", "1234"));
    MichatConfig copy = MichatConfig.of(cfg.toJson());
    assertEquals(1234, copy.integer(ConfigKeys.HTTP_PORT, 1, 65535));
    assertEquals("environment PORT", copy.sourceOf(ConfigKeys.HTTP_PORT));
  }
}
