package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a shared cache may store and reuse (RFC 9111 §3 and §4.1). Stateless.
 *
 * <p>Deliberately stricter than the RFC in two places: a response with {@code Set-Cookie} is never
 * stored (one client's cookie must not reach others), and {@code Vary: *} is not stored at all,
 * since it can never be reused (§4.1).
 */
public final class CachePolicy {

  /** Final statuses stored at all (with explicit freshness, or heuristically for most). */
  private static final Set<Integer> STORABLE =
      Set.of(200, 203, 204, 300, 301, 302, 307, 308, 404, 405, 410, 414, 501);

  private CachePolicy() {}

  /**
   * Whether a response to a GET may be stored (RFC 9111 §3): a storable status, no {@code no-store}
   * in request or response, not {@code private}, a request with {@code Authorization} only when the
   * response allows it explicitly (§3.5: {@code public}, {@code s-maxage} or {@code
   * must-revalidate}), no {@code Vary: *}, and something to reuse it by: a freshness lifetime or a
   * validator.
   *
   * @param lifetimeMillis the response's freshness lifetime ({@link Freshness#lifetimeMillis})
   */
  public static boolean storable(
      HttpHeaders request,
      CacheControl requestCc,
      int status,
      HttpHeaders response,
      CacheControl cc,
      long lifetimeMillis) {
    if (!STORABLE.contains(status) || requestCc.noStore() || cc.noStore() || cc.isPrivate()) {
      return false;
    }
    if (request.contains(HttpHeaderNames.AUTHORIZATION)
        && !(cc.isPublic() || cc.sMaxAge() >= 0 || cc.mustRevalidate())) {
      return false;
    }
    if (response.contains(HttpHeaderNames.SET_COOKIE) || varyNames(response) == null) {
      return false;
    }
    return lifetimeMillis > 0
        || response.contains(HttpHeaderNames.ETAG)
        || response.contains(HttpHeaderNames.LAST_MODIFIED);
  }

  /** The lower-case field names a response's {@code Vary} lists; null for {@code Vary: *}. */
  static List<String> varyNames(HttpHeaders response) {
    List<String> names = new ArrayList<>();
    for (String line : response.getAll(HttpHeaderNames.VARY)) {
      for (String n : line.split(",")) {
        String name = n.trim().toLowerCase(Locale.ROOT);
        if (name.equals("*")) {
          return null;
        }
        if (!name.isEmpty() && !names.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** The request's values for the fields the response varies on (RFC 9111 §4.1). */
  public static List<Map.Entry<String, String>> selected(
      HttpHeaders response, HttpHeaders request) {
    List<String> names = varyNames(response);
    List<Map.Entry<String, String>> out = new ArrayList<>(names == null ? 0 : names.size());
    if (names != null) {
      for (String name : names) {
        out.add(new AbstractMap.SimpleImmutableEntry<>(name, normalized(request, name)));
      }
    }
    return out;
  }

  /** Whether {@code request} selects the same variant as {@code stored}'s (RFC 9111 §4.1). */
  static boolean matches(CachedResponse stored, HttpHeaders request) {
    for (Map.Entry<String, String> v : stored.vary()) {
      String value = normalized(request, v.getKey());
      if (value == null ? v.getValue() != null : !value.equals(v.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A field's lines joined, whitespace around commas removed (§4.1 allows normalizing), or null.
   */
  private static String normalized(HttpHeaders request, String name) {
    List<String> values = request.getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (String line : values) {
      for (String part : line.split(",")) {
        if (!b.isEmpty()) {
          b.append(',');
        }
        b.append(part.trim());
      }
    }
    return b.toString();
  }

  /**
   * Whether a client's {@code If-None-Match} matches {@code etag} (RFC 9110 §13.1.2: weak
   * comparison, {@code *} matches any).
   */
  public static boolean noneMatch(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag == null) {
      return false;
    }
    String tag = weakless(etag.trim());
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || weakless(c).equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a client's {@code If-Modified-Since} says its copy is current (RFC 9110 §13.1.3): the
   * stored {@code Last-Modified} is not after it. False when either date is missing or invalid, or
   * the client's date is in the future ({@code now}), which the field does not allow.
   */
  public static boolean notModifiedSince(String ifModifiedSince, String lastModified, long now) {
    long since = HttpDates.parse(ifModifiedSince, -1);
    long modified = HttpDates.parse(lastModified, -1);
    return since >= 0 && modified >= 0 && since <= now && modified <= since;
  }

  private static String weakless(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
