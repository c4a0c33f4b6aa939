package dev.weir.dataplane.routing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What route conditions look at beyond host and path: the method, the header fields and the query.
 * The query is parsed at most once, and only when a route with a query condition is tried.
 *
 * <p>Created per request; accessed only from the downstream channel's event loop.
 */
public final class RouteRequest {

  private final String method;
  private final HttpHeaders headers;
  private final String query;
  private Map<String, String> params;

  /**
   * @param method the request method as sent (RFC 9110 §9.1: case-sensitive)
   * @param headers the request's header fields
   * @param query the query without {@code "?"}, or {@code null}
   */
  public RouteRequest(String method, HttpHeaders headers, String query) {
    this.method = Objects.requireNonNull(method, "method");
    this.headers = Objects.requireNonNull(headers, "headers");
    this.query = query;
  }

  public String method() {
    return method;
  }

  /**
   * The value of header {@code name} (case-insensitive, RFC 9110 §5.1); a field sent several times
   * is joined with {@code ","} (RFC 9110 §5.3).
   *
   * @return the value, or {@code null} when absent
   */
  public String header(String name) {
    List<String> values = headers.getAll(name);
    return switch (values.size()) {
      case 0 -> null;
      case 1 -> values.get(0);
      default -> String.join(",", values);
    };
  }

  /** The decoded first value of query parameter {@code name}, or {@code null}. */
  public String queryParam(String name) {
    if (params == null) {
      params = QueryString.parse(query);
    }
    return params.get(name);
  }
}
