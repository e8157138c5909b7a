package michat.web;

import ch.qos.logback.classic.Level;
import java.util.Locale;
import java.util.Set;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import org.slf4j.LoggerFactory;

/** Routes every library's logging to SLF4J/Logback and applies {@code log.level}. */
final class Logging {
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private Logging() {}

  /** Before any Vert.x or Hazelcast class is loaded. */
  static void routeToSlf4j() {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
  }

  static void apply(MichatConfig cfg) {
    String level = cfg.string(ConfigKeys.LOG_LEVEL).toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw cfg.invalid(ConfigKeys.LOG_LEVEL, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + level + "'");
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.toLevel(level));
  }
}
