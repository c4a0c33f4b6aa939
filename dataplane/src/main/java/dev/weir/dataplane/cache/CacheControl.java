package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/**
 * The Cache-Control directives a shared cache acts on (RFC 9111 §5.2), parsed from every
 * Cache-Control line of a message. A qualified {@code no-cache="field"} or {@code private="field"}
 * counts as the unqualified directive (RFC 9111 §5.2.2.4: a cache may do so). Immutable.
 *
 * @param noStore {@code no-store}
 * @param noCache {@code no-cache} (also a request's {@code Pragma: no-cache}, RFC 9111 §5.4)
 * @param isPrivate {@code private}
 * @param isPublic {@code public}
 * @param mustRevalidate {@code must-revalidate} or {@code proxy-revalidate}
 * @param noTransform {@code no-transform} (RFC 9111 §5.2.2.6: no compression)
 * @param maxAge {@code max-age} seconds, or -1
 * @param sMaxAge {@code s-maxage} seconds, or -1
 */
public record CacheControl(
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    boolean isPublic,
    boolean mustRevalidate,
    boolean noTransform,
    long maxAge,
    long sMaxAge) {

  /** No directives. */
  public static final CacheControl NONE =
      new CacheControl(false, false, false, false, false, false, -1, -1);

  /** The directives of {@code headers}. */
  public static CacheControl of(HttpHeaders headers) {
    boolean noStore = false;
    boolean noCache = false;
    boolean isPrivate = false;
    boolean isPublic = false;
    boolean mustRevalidate = false;
    boolean noTransform = false;
    long maxAge = -1;
    long sMaxAge = -1;
    for (String line : headers.getAll(HttpHeaderNames.CACHE_CONTROL)) {
      for (String directive : line.split(",")) {
        int eq = directive.indexOf('=');
        String name =
            (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? null : unquote(directive.substring(eq + 1).trim());
        switch (name) {
          case "no-store" -> noStore = true;
          case "no-cache" -> noCache = true;
          case "private" -> isPrivate = true;
          case "public" -> isPublic = true;
          case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
          case "no-transform" -> noTransform = true;
          case "max-age" -> maxAge = seconds(value, maxAge);
          case "s-maxage" -> sMaxAge = seconds(value, sMaxAge);
          default -> {}
        }
      }
    }
    if (headers.containsValue(HttpHeaderNames.PRAGMA, "no-cache", true)
        && !headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
      noCache = true;
    }
    return new CacheControl(
        noStore, noCache, isPrivate, isPublic, mustRevalidate, noTransform, maxAge, sMaxAge);
  }

  /**
   * A delta-seconds value (RFC 9111 §1.2.2): digits only; too large saturates; anything else is
   * invalid, which for freshness means stale (0, RFC 9111 §4.2.1).
   */
  private static long seconds(String value, long previous) {
    if (previous >= 0) {
      return previous; // RFC 9111 §4.2.1: with duplicates, the first counts
    }
    if (value == null || value.isEmpty()) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      n = Math.min(n * 10 + (c - '0'), Integer.MAX_VALUE);
    }
    return n;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }
}
