package dev.weir.dataplane.routing;

/**
 * How a redirect route builds its {@code Location} (Gateway API RequestRedirect, and the {@code
 * Redirect} message of the snapshot protocol). Immutable; any thread.
 *
 * <p>Each part defaults to the request's: the scheme to {@code http} or {@code https} by listener,
 * the host to the request's host without its port, the path to the request's path; the query is
 * always kept. The port, when not set, is derived as the Gateway API says: the scheme's well-known
 * port when the redirect sets a scheme, else the listener's port; a port that is the final scheme's
 * well-known one (80 for http, 443 for https, RFC 9110 §4.2) is left out.
 *
 * @param scheme {@code "http"}, {@code "https"}, or {@code null} for the request's
 * @param hostname the host, or {@code null} for the request's
 * @param port the port, or 0 to derive it
 * @param path how the path changes, or {@code null} to keep it
 * @param status 301, 302, 303, 307 or 308
 */
public record RedirectTarget(
    String scheme, String hostname, int port, PathRewrite path, int status) {

  public RedirectTarget {
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme must be http or https: " + scheme);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
      throw new IllegalArgumentException("redirect status must be 301, 302, 303, 307 or 308");
    }
  }

  /**
   * The {@code Location} for one request.
   *
   * @param secure whether the request came over TLS
   * @param requestHost the request's normalised host (no port), or {@code null}
   * @param listenerPort the port the request arrived on
   * @param matchedPrefix the route's canonical prefix, for a prefix replacement
   * @param requestPath the request's normalised path
   * @param query the request's query without {@code "?"}, or {@code null}
   */
  public String location(
      boolean secure,
      String requestHost,
      int listenerPort,
      String matchedPrefix,
      String requestPath,
      String query) {
    String requestScheme = secure ? "https" : "http";
    String finalScheme = scheme == null ? requestScheme : scheme;
    int finalPort = port;
    if (finalPort == 0) {
      finalPort = scheme == null ? listenerPort : wellKnownPort(scheme);
    }
    String host = hostname == null ? requestHost : hostname;
    String newPath = path == null ? requestPath : path.apply(matchedPrefix, requestPath);
    StringBuilder out = new StringBuilder(64);
    if (host != null) {
      out.append(finalScheme).append("://").append(host);
      if (finalPort != wellKnownPort(finalScheme)) {
        out.append(':').append(finalPort);
      }
    }
    out.append(newPath);
    if (query != null) {
      out.append('?').append(query);
    }
    return out.toString();
  }

  private static int wellKnownPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  @Override
  public String toString() {
    return status
        + (scheme == null ? "" : " scheme=" + scheme)
        + (hostname == null ? "" : " host=" + hostname)
        + (port == 0 ? "" : " port=" + port)
        + (path == null ? "" : " path " + path);
  }
}
