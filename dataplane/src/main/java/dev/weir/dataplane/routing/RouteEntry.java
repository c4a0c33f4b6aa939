package dev.weir.dataplane.routing;

import java.util.List;
import java.util.Objects;

/**
 * One compiled route: what it matches beyond host and path, what it does, and how it changes the
 * request and response. Immutable.
 *
 * @param name the route's name in the snapshot
 * @param source the Kubernetes object it came from, for errors
 * @param action what it does
 * @param order its position within its virtual host (precedence: lower wins)
 * @param pathKind how {@code path} is matched
 * @param path for PREFIX the prefix without trailing slashes ({@code ""} for {@code "/"}); for
 *     EXACT the path; for REGEX the expression (compiled in {@code conditions})
 * @param conditions what the request must also match
 * @param requestHeaders applied to the request sent upstream
 * @param responseHeaders applied to the upstream's response
 * @param rewrite applied to the request sent upstream
 * @param timeouts the route's timeouts
 * @param mirrors where forwarded requests are also sent, fire-and-forget (empty for most routes)
 * @param cors the route's CORS rule, or null
 * @param retry the route's retry rule ({@link RetryPolicy#NONE} when unset)
 * @param maxRequestBodyBytes the largest request body accepted, 0 for the process-wide default
 * @param filters the route's traffic filters ({@link RouteFilters#NONE} when it has none)
 */
public record RouteEntry(
    String name,
    String source,
    RouteAction action,
    int order,
    PathKind pathKind,
    String path,
    RouteConditions conditions,
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders,
    UrlRewrite rewrite,
    RouteTimeouts timeouts,
    List<Mirror> mirrors,
    CorsPolicy cors,
    RetryPolicy retry,
    long maxRequestBodyBytes,
    RouteFilters filters) {

  public RouteEntry {
    Objects.requireNonNull(filters, "filters");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(pathKind, "pathKind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(conditions, "conditions");
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
    Objects.requireNonNull(rewrite, "rewrite");
    Objects.requireNonNull(timeouts, "timeouts");
    mirrors = List.copyOf(mirrors);
    Objects.requireNonNull(retry, "retry");
    if (maxRequestBodyBytes < 0) {
      throw new IllegalArgumentException("maxRequestBodyBytes must be >= 0");
    }
  }

  /** A route without traffic filters. */
  public RouteEntry(
      String name,
      String source,
      RouteAction action,
      int order,
      PathKind pathKind,
      String path,
      RouteConditions conditions,
      HeaderModifier requestHeaders,
      HeaderModifier responseHeaders,
      UrlRewrite rewrite,
      RouteTimeouts timeouts,
      List<Mirror> mirrors,
      CorsPolicy cors,
      RetryPolicy retry,
      long maxRequestBodyBytes) {
    this(
        name,
        source,
        action,
        order,
        pathKind,
        path,
        conditions,
        requestHeaders,
        responseHeaders,
        rewrite,
        timeouts,
        mirrors,
        cors,
        retry,
        maxRequestBodyBytes,
        RouteFilters.NONE);
  }

  /** How a route's path is matched. */
  public enum PathKind {
    PREFIX,
    EXACT,
    REGEX
  }

  /** For a PREFIX route, the prefix a prefix rewrite replaces; {@code null} otherwise. */
  public String matchedPrefix() {
    return pathKind == PathKind.PREFIX ? path : null;
  }
}
