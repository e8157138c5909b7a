package michat.web;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * The roles one JVM can play ({@code --roles}, {@code roles}). {@code all} is every role: the embedded
 * default. web and gateway share the JVM's one HTTP port; see {@link MichatApp} for what each deploys.
 */
public enum Role {
  WEB(false),
  USER(true),
  PRESENCE(false),
  ROUTER(true),
  GATEWAY(false);

  private final boolean needsStorage;

  Role(boolean needsStorage) {
    this.needsStorage = needsStorage;
  }

  /** Roles that read or write SQL: the schema is migrated before they start. */
  public boolean needsStorage() {
    return needsStorage;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Set<Role> parse(MichatConfig cfg) {
    String raw = cfg.string(ConfigKeys.ROLES).toLowerCase(Locale.ROOT).replace(" ", "");
    if (raw.isEmpty() || raw.equals("all")) {
      return EnumSet.allOf(Role.class);
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : raw.split(",")) {
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw cfg.invalid(ConfigKeys.ROLES, "unknown role '" + name + "'; use all or any of web,user,presence,router,gateway");
      }
    }
    if (roles.isEmpty()) {
      throw cfg.invalid(ConfigKeys.ROLES, "names no role; use all or any of web,user,presence,router,gateway");
    }
    return roles;
  }
}
