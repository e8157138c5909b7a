package michat.config;

/** A setting that is wrong or unusable; its message is the one line printed before exiting. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  public static ConfigException of(ConfigKey key, String source, String reason) {
    return new ConfigException("setting " + key.display() + (source == null ? "" : " from " + source) + ": " + reason);
  }
}
