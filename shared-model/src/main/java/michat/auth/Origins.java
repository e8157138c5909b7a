package michat.auth;

import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * Which pages may use a browser's session cookie with michat. A browser adds the cookie to requests
 * that any site's page starts (a form posted to michat, a WebSocket opened to it), so a request
 * authenticated by the cookie is taken only from michat's own pages: its {@code Origin} (or, when a
 * browser sends none, its {@code Referer}) must be one of {@code http.allowedOrigins}, by default
 * the origin the request itself was sent to ({@code Host}, or {@code X-Forwarded-Host} behind a
 * proxy — headers a page of another site cannot set). Requests with a Bearer token are not
 * concerned: no browser adds one by itself.
 */
public final class Origins {
  /** A page without an http(s) origin: a sandboxed frame, a file, a data: URL. Never allowed. */
  private static final String OPAQUE = "opaque";
  private final List<String> allowed;

  private Origins(List<String> allowed) {
    this.allowed = allowed;
  }

  public static Origins from(MichatConfig cfg) {
    String spec = cfg.string(ConfigKeys.HTTP_ALLOWED_ORIGINS).trim();
    if (spec.isEmpty()) {
      return new Origins(List.of());
    }
    List<String> origins = Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(o -> {
          String normal = normalise(o);
          if (normal == null) {
            throw cfg.invalid(ConfigKeys.HTTP_ALLOWED_ORIGINS, "'" + o + "' is not an origin like https://chat.example.com");
          }
          return normal;
        }).toList();
    return new Origins(origins);
  }

  /**
   * Whether a request that the browser may have added the session cookie to comes from an allowed
   * page. Without {@code Origin} and {@code Referer} it is not (a browser sends one of them with every
   * POST and WebSocket; clients that send neither authenticate with a Bearer token instead).
   */
  public boolean fromAllowedPage(HttpServerRequest req) {
    String source = sourceOrigin(req);
    return source != null && allows(source, req);
  }

  /**
   * Whether a request that carries no cookie credentials is acceptable: it may name no page at all
   * (a non-browser client), but a page of another site may not start it (e.g. a login form that would
   * plant the attacker's session in the victim's browser).
   */
  public boolean notFromForeignPage(HttpServerRequest req) {
    String source = sourceOrigin(req);
    return source == null || allows(source, req);
  }

  private boolean allows(String origin, HttpServerRequest req) {
    if (origin.equals(OPAQUE)) {
      return false;
    }
    if (!allowed.isEmpty()) {
      return allowed.contains(origin);
    }
    URI o = URI.create(origin);
    return sameHostAndPort(o, req.getHeader("Host")) || sameHostAndPort(o, req.getHeader("X-Forwarded-Host"));
  }

  /** The origin the request names, normalised; null when it names none ({@code Origin: null} names an opaque one). */
  private static String sourceOrigin(HttpServerRequest req) {
    String origin = req.getHeader("Origin");
    if (origin != null) {
      String normal = normalise(origin);
      return normal == null ? OPAQUE : normal;
    }
    String referer = req.getHeader("Referer");
    if (referer != null) {
      String normal = normalise(referer);
      return normal == null ? OPAQUE : normal;
    }
    return null;
  }

  /** {@code scheme://host:port} of an http(s) URL, lower case, with the port always given; null when it is none. */
  static String normalise(String url) {
    try {
      URI u = URI.create(url.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        return null;
      }
      int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A Host header without a port means the default port of the scheme the page used. */
  private static boolean sameHostAndPort(URI origin, String hostHeader) {
    if (origin.getScheme() == null || hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    String origins = origin.getScheme() + "://" + hostHeader.trim().split(",")[0].trim();
    String normal = normalise(origins);
    return normal != null && normal.equals(origin.getScheme() + "://" + origin.getHost() + ":" + origin.getPort());
  }
}
