package michat.web;

import io.vertx.core.Deployable;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;
import michat.user.UserVerticle;

/**
 * The roles one JVM can play. Each is one verticle type; {@code all} deploys every role this build
 * has. presence, router and gateway are the real-time chat roles of the next milestone: naming one
 * of them explicitly is refused with a clear message until it exists, rather than starting a JVM
 * that silently does nothing.
 */
public enum Role {
  WEB(WebVerticle::new, true),
  USER(UserVerticle::new, true),
  PRESENCE(null, false),
  ROUTER(null, true),
  GATEWAY(null, false);

  private final Supplier<Deployable> verticle;
  private final boolean needsStorage;

  Role(Supplier<Deployable> verticle, boolean needsStorage) {
    this.verticle = verticle;
    this.needsStorage = needsStorage;
  }

  public Optional<Supplier<Deployable>> verticle() {
    return Optional.ofNullable(verticle);
  }

  /** Roles that read or write SQL: the schema is migrated before they start. */
  public boolean needsStorage() {
    return needsStorage && verticle != null;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Set<Role> parse(MichatConfig cfg) {
    String raw = cfg.string(ConfigKeys.ROLES).toLowerCase(Locale.ROOT).replace(" ", "");
    if (raw.isEmpty() || raw.equals("all")) {
      EnumSet<Role> all = EnumSet.noneOf(Role.class);
      for (Role r : values()) {
        if (r.verticle != null) {
          all.add(r);
        }
      }
      return all;
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : raw.split(",")) {
      if (name.isEmpty()) {
        continue;
      }
      Role role;
      try {
        role = valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw cfg.invalid(ConfigKeys.ROLES, "unknown role '" + name + "'; use all or any of web,user,presence,router,gateway");
      }
      if (role.verticle == null) {
        throw cfg.invalid(ConfigKeys.ROLES, "role '" + name + "' is not part of this build yet (real-time chat arrives with the gateway milestone)");
      }
      roles.add(role);
    }
    if (roles.isEmpty()) {
      throw cfg.invalid(ConfigKeys.ROLES, "names no role; use all or any of web,user,presence,router,gateway");
    }
    return roles;
  }
}
