package michat.config;

import java.util.List;

/**
 * One setting: its canonical dotted name, the environment variables that override it, the original's
 * names accepted as aliases in a config file, and a one-line description for the README table.
 */
public record ConfigKey(String name, List<String> envVars, List<String> aliases, String description) {

  /** How the setting is named in error messages: the canonical name plus its first env var. */
  public String display() {
    return envVars.isEmpty() ? name : name + " (" + envVars.get(0) + ")";
  }
}
