package dev.weir.dataplane.routing;

/**
 * A compiled {@code UrlRewrite} of a forwarding route. Immutable.
 *
 * @param hostname the Host sent upstream, or {@code null} to keep the client's
 * @param path how the path sent upstream changes, or {@code null} to keep it
 */
public record UrlRewrite(String hostname, PathRewrite path) {

  /** Rewrites nothing. */
  public static final UrlRewrite NONE = new UrlRewrite(null, null);

  /** Whether this rewrites nothing. */
  public boolean isEmpty() {
    return hostname == null && path == null;
  }

  @Override
  public String toString() {
    return (hostname == null ? "" : "host=" + hostname + " ")
        + (path == null ? "" : "path " + path);
  }
}
