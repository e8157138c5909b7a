package michat.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which URLs michat accepts for avatars, group icons and the pictures, voice clips and stickers of
 * messages. Browsers fetch them as soon as a page renders them, so an accepted URL must be a plain
 * static file: under {@code /asset/} on michat's own origin — its uploads ({@code ./asset/upload/…}),
 * its own assets, or a client's sticker packs such as the original front end's
 * {@code asset/plugins/doutu/…} (relative, as that client sends them) — or, only when the operator
 * lists the host in {@code media.externalUrls}, an {@code https:} URL. Anything that could reach
 * another route ({@code ..}, {@code \}, percent-encoding, a query or fragment) or call out to
 * another site is refused: a URL like {@code /asset/../toChat?token=…} once swapped the session
 * of everyone whose page showed it.
 */
public final class MediaUrls {
  /** Longest accepted URL. */
  public static final int MAX_CHARS = 512;
  private static final List<String> LOCAL_PREFIXES = List.of("/asset/", "./asset/", "asset/");
  /** A path segment of a static file: letters and digits of any script, '-', '_', '.', '~', '+', '@'. */
  private static final Pattern SEGMENT = Pattern.compile("[\\p{L}\\p{N}._~+@-]+");
  private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\\d{1,5})?");

  private final boolean anyHttpsHost;
  private final Set<String> httpsHosts;

  private MediaUrls(boolean anyHttpsHost, Set<String> httpsHosts) {
    this.anyHttpsHost = anyHttpsHost;
    this.httpsHosts = httpsHosts;
  }

  /** Only michat's own {@code /asset/} paths (the default). */
  public static MediaUrls sameOriginOnly() {
    return new MediaUrls(false, Set.of());
  }

  /**
   * From {@code media.externalUrls}: empty = same origin only; {@code *} = any https host; otherwise
   * comma-separated host names (with an optional port) whose https URLs are also accepted.
   */
  public static MediaUrls of(String externalUrls) {
    String spec = externalUrls == null ? "" : externalUrls.trim();
    if (spec.isEmpty()) {
      return sameOriginOnly();
    }
    if (spec.equals("*")) {
      return new MediaUrls(true, Set.of());
    }
    Set<String> hosts = java.util.Arrays.stream(spec.split(","))
        .map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).collect(Collectors.toSet());
    for (String h : hosts) {
      if (!HOST.matcher(h).matches()) {
        throw new IllegalArgumentException("'" + h + "' is not a host name (expected e.g. cdn.example.com or *)");
      }
    }
    return new MediaUrls(false, Set.copyOf(hosts));
  }

  /** What a Content-Security-Policy's img-src/media-src must allow beyond 'self' for these URLs. */
  public String cspSources() {
    if (anyHttpsHost) {
      return "https:";
    }
    return httpsHosts.stream().sorted().map(h -> "https://" + h).collect(Collectors.joining(" "));
  }

  /**
   * Why {@code url} is refused, or empty when it is acceptable. An empty URL is acceptable (no
   * picture); {@code field} names the input in the message.
   */
  public Optional<String> problem(String field, String url) {
    if (url == null || url.isEmpty()) {
      return Optional.empty();
    }
    if (url.length() > MAX_CHARS) {
      return Optional.of(field + " is longer than " + MAX_CHARS + " characters");
    }
    for (String prefix : LOCAL_PREFIXES) {
      if (url.startsWith(prefix)) {
        return safePath(url.substring(prefix.length())) ? Optional.empty() : Optional.of(field + ": " + rule());
      }
    }
    if (url.regionMatches(true, 0, "https://", 0, 8) && external(url.substring(8))) {
      return Optional.empty();
    }
    return Optional.of(field + ": " + rule());
  }

  public boolean accepts(String url) {
    return problem("url", url).isEmpty();
  }

  private String rule() {
    String own = "must be a file under /asset/ on this server (e.g. ./asset/upload/…), without '..', '\\', '%', '?' or '#'";
    if (anyHttpsHost) {
      return own + ", or an https:// URL";
    }
    if (!httpsHosts.isEmpty()) {
      return own + ", or an https:// URL of " + String.join(", ", httpsHosts.stream().sorted().toList());
    }
    return own;
  }

  /** Segments of a static file's path: no empty, '.' or '..' segment, nothing but plain characters. */
  private static boolean safePath(String path) {
    if (path.isEmpty() || path.endsWith("/")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
        return false;
      }
    }
    return true;
  }

  private boolean external(String rest) {
    if (!anyHttpsHost && httpsHosts.isEmpty()) {
      return false;
    }
    int slash = rest.indexOf('/');
    String host = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    if (!HOST.matcher(host).matches() || !(anyHttpsHost || httpsHosts.contains(host))) {
      return false;
    }
    // A query may select an image on a CDN, but nothing may break out of the URL or smuggle markup.
    return path.chars().noneMatch(c -> c <= 0x20 || c == '\\' || c == '"' || c == '\'' || c == '<' || c == '>' || c == 0x7F);
  }
}
