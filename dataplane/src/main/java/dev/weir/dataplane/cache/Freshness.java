package dev.weir.dataplane.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/**
 * Freshness lifetime and age of a stored response (RFC 9111 §4.2), for a shared cache. Stateless.
 */
public final class Freshness {

  /** Status codes heuristically cacheable (RFC 9110 §15.1), except 206 (ranges are not cached). */
  static final Set<Integer> HEURISTIC_STATUSES =
      Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

  private Freshness() {}

  /**
   * The freshness lifetime in milliseconds (RFC 9111 §4.2.1): {@code s-maxage}, else {@code
   * max-age}, else {@code Expires} minus {@code Date}, else {@code defaultTtlSeconds} when the
   * status is heuristically cacheable or the response is {@code public} (§4.2.2), else 0. A
   * response with {@code no-cache} is never fresh (§5.2.2.4): it is served only after revalidation.
   *
   * @param responseTime when the response arrived (epoch ms), standing in for a missing Date
   */
  public static long lifetimeMillis(
      int status, HttpHeaders headers, CacheControl cc, long defaultTtlSeconds, long responseTime) {
    if (cc.noCache()) {
      return 0;
    }
    if (cc.sMaxAge() >= 0) {
      return cc.sMaxAge() * 1000;
    }
    if (cc.maxAge() >= 0) {
      return cc.maxAge() * 1000;
    }
    String expires = headers.get(HttpHeaderNames.EXPIRES);
    if (expires != null) {
      // §5.3: an invalid Expires (such as "0") means already expired.
      long at = HttpDates.parse(expires, Long.MIN_VALUE);
      long date = HttpDates.parse(headers.get(HttpHeaderNames.DATE), responseTime);
      return at == Long.MIN_VALUE ? 0 : Math.max(0, at - date);
    }
    if (defaultTtlSeconds > 0 && (HEURISTIC_STATUSES.contains(status) || cc.isPublic())) {
      return defaultTtlSeconds * 1000;
    }
    return 0;
  }

  /**
   * The corrected initial age in milliseconds (RFC 9111 §4.2.3): the larger of the apparent age
   * ({@code response_time - date_value}, at least 0) and the {@code Age} the response carried plus
   * the time the request took.
   */
  public static long initialAgeMillis(HttpHeaders headers, long requestTime, long responseTime) {
    long date = HttpDates.parse(headers.get(HttpHeaderNames.DATE), responseTime);
    long apparentAge = Math.max(0, responseTime - date);
    long ageValue = ageSeconds(headers.get(HttpHeaderNames.AGE)) * 1000;
    long responseDelay = Math.max(0, responseTime - requestTime);
    return Math.max(apparentAge, ageValue + responseDelay);
  }

  /** An {@code Age} value in seconds; absent or invalid is 0 (RFC 9111 §5.1). */
  static long ageSeconds(String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
