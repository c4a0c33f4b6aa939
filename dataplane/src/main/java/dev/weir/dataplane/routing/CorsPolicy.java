package dev.weir.dataplane.routing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A route's CORS rule (Gateway API HTTPCORSFilter, Fetch standard §3.2): which origins may read
 * responses, and the headers answering preflights and actual requests. Origin patterns are parsed
 * and the header values joined once per snapshot. Immutable; any thread.
 */
public final class CorsPolicy {

  private final List<OriginPattern> origins;
  private final boolean anyOrigin;
  private final String methods;
  private final boolean anyMethod;
  private final String headers;
  private final boolean anyHeader;
  private final String expose;
  private final boolean credentials;
  private final long maxAgeSeconds;
  private final String text;

  /**
   * @param allowOrigins exact origins, {@code scheme://*.suffix[:port]} patterns, or {@code "*"}
   * @param allowMethods methods for preflights; {@code "*"} allows any
   * @param allowHeaders request headers for preflights; {@code "*"} allows any
   * @param exposeHeaders response headers the page may read
   * @param allowCredentials whether credentialed requests may read responses
   * @param maxAgeSeconds how long a preflight may be cached; 0 leaves the header out
   * @throws IllegalArgumentException for an origin that is neither exact, a pattern nor {@code *}
   */
  public CorsPolicy(
      List<String> allowOrigins,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      boolean allowCredentials,
      long maxAgeSeconds) {
    List<OriginPattern> parsed = new ArrayList<>();
    boolean any = false;
    for (String o : allowOrigins) {
      if (o.equals("*")) {
        any = true;
      } else {
        parsed.add(OriginPattern.parse(o));
      }
    }
    this.origins = List.copyOf(parsed);
    this.anyOrigin = any;
    this.anyMethod = allowMethods.contains("*");
    this.methods = String.join(", ", allowMethods);
    this.anyHeader = allowHeaders.contains("*");
    this.headers = String.join(", ", allowHeaders);
    this.expose = String.join(", ", exposeHeaders);
    this.credentials = allowCredentials;
    this.maxAgeSeconds = maxAgeSeconds;
    this.text =
        "origins="
            + String.join(",", allowOrigins)
            + (methods.isEmpty() ? "" : " methods=" + String.join(",", allowMethods))
            + (headers.isEmpty() ? "" : " headers=" + String.join(",", allowHeaders))
            + (expose.isEmpty() ? "" : " expose=" + String.join(",", exposeHeaders))
            + (credentials ? " credentials" : "")
            + (maxAgeSeconds > 0 ? " max-age=" + maxAgeSeconds : "");
  }

  /** Whether {@code origin} (the request's Origin field) may read responses. */
  public boolean allows(String origin) {
    if (origin == null || origin.isEmpty()) {
      return false;
    }
    if (anyOrigin) {
      return true;
    }
    for (OriginPattern p : origins) {
      if (p.matches(origin)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Access-Control-Allow-Origin value for an allowed {@code origin}: {@code *} when any origin
   * is allowed without credentials, else the origin itself (Fetch §3.2.3: {@code *} never works for
   * credentialed requests).
   */
  public String allowOriginValue(String origin) {
    return anyOrigin && !credentials ? "*" : origin;
  }

  /**
   * Adds the preflight answer's headers for an allowed {@code origin} to {@code out}.
   *
   * @param requestMethod the Access-Control-Request-Method value
   * @param requestHeaders the Access-Control-Request-Headers value, or null
   */
  public void preflightHeaders(
      String origin, String requestMethod, String requestHeaders, HttpHeaders out) {
    addOrigin(origin, out);
    // With "*" the requested method and headers are echoed: Fetch §3.2.3 treats "*" literally
    // for credentialed requests, and an echo works with and without credentials.
    String m = anyMethod ? requestMethod : methods;
    if (m != null && !m.isEmpty()) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, m);
    }
    String h = anyHeader ? requestHeaders : headers;
    if (h != null && !h.isEmpty()) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, h);
    }
    if (maxAgeSeconds > 0) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(maxAgeSeconds));
    }
  }

  /** Adds the headers of a response to an actual request from an allowed {@code origin}. */
  public void responseHeaders(String origin, HttpHeaders out) {
    addOrigin(origin, out);
    if (!expose.isEmpty()) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, expose);
    }
  }

  private void addOrigin(String origin, HttpHeaders out) {
    String value = allowOriginValue(origin);
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, value);
    // Fetch §3.2.3: a response that depends on Origin must say so to caches.
    out.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    if (credentials) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * An allowed origin: {@code scheme://host[:port]}, where the host may start with {@code *.} to
   * match one or more labels before the suffix. Compared case-insensitively (RFC 6454 §4 origins
   * are serialised in lower case, but clients vary).
   */
  record OriginPattern(String scheme, String host, String port, boolean wildcard) {

    OriginPattern {
      Objects.requireNonNull(scheme, "scheme");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(port, "port");
    }

    static OriginPattern parse(String origin) {
      String o = origin.toLowerCase(Locale.ROOT);
      int sep = o.indexOf("://");
      if (sep <= 0) {
        throw new IllegalArgumentException("invalid origin " + origin);
      }
      String scheme = o.substring(0, sep);
      String authority = o.substring(sep + 3);
      int colon = authority.lastIndexOf(':');
      String port = "";
      if (colon >= 0 && authority.indexOf(']', colon) < 0) {
        port = authority.substring(colon + 1);
        authority = authority.substring(0, colon);
      }
      boolean wildcard = authority.startsWith("*.");
      String host = wildcard ? authority.substring(2) : authority;
      if (host.isEmpty() || host.indexOf('*') >= 0 || host.indexOf('/') >= 0) {
        throw new IllegalArgumentException("invalid origin " + origin);
      }
      return new OriginPattern(scheme, host, port, wildcard);
    }

    boolean matches(String origin) {
      int sep = origin.indexOf("://");
      if (sep != scheme.length() || !origin.regionMatches(true, 0, scheme, 0, sep)) {
        return false;
      }
      int hostStart = sep + 3;
      int end = origin.length();
      int colon = origin.lastIndexOf(':');
      int hostEnd = end;
      if (colon > hostStart && origin.indexOf(']', colon) < 0) {
        hostEnd = colon;
      }
      int portLength = hostEnd == end ? 0 : end - hostEnd - 1;
      if (portLength != port.length()
          || (portLength > 0 && !origin.regionMatches(true, hostEnd + 1, port, 0, portLength))) {
        return false;
      }
      int hostLength = hostEnd - hostStart;
      if (!wildcard) {
        return hostLength == host.length()
            && origin.regionMatches(true, hostStart, host, 0, hostLength);
      }
      // "*." matches one or more labels: at least one character, then ".", then the suffix.
      int suffixStart = hostEnd - host.length();
      return suffixStart - 1 > hostStart
          && origin.charAt(suffixStart - 1) == '.'
          && origin.regionMatches(true, suffixStart, host, 0, host.length())
          && origin.indexOf('/', hostStart) < 0;
    }
  }
}
