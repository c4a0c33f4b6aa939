package dev.weir.dataplane.filter;

/** What went wrong with an exchange, and the status it maps to ({@link ErrorResponses}). */
public enum ErrorKind {
  /** RFC 9110 §15.5.1: malformed request line, target or framing. */
  BAD_REQUEST(400, "Bad Request"),
  /** RFC 9110 §15.5.4: the route's IP access rule refuses the client. */
  FORBIDDEN(403, "Forbidden"),
  /** No route matched the host and path. */
  NO_ROUTE(404, "Not Found"),
  /** RFC 9110 §15.5.9: the client did not send its request head or body in time. */
  CLIENT_TIMEOUT(408, "Request Timeout"),
  /** RFC 9110 §15.5.14: the request body is larger than the route allows. */
  BODY_TOO_LARGE(413, "Content Too Large"),
  /** RFC 9110 §15.5.15: the request line is longer than allowed. */
  URI_TOO_LONG(414, "URI Too Long"),
  /** RFC 6585 §4: the route's rate limit has no token left for the request. */
  RATE_LIMITED(429, "Too Many Requests"),
  /** RFC 6585 §5: the header section is too large or has too many fields. */
  HEADERS_TOO_LARGE(431, "Request Header Fields Too Large"),
  /** The proxy itself failed. */
  INTERNAL(500, "Internal Server Error"),
  /** No connection to any endpoint could be made. */
  CONNECT_FAILED(502, "Bad Gateway"),
  /** The upstream sent something that is not a valid response. */
  BAD_UPSTREAM_RESPONSE(502, "Bad Gateway"),
  /** The upstream closed before the response was complete. */
  UPSTREAM_CLOSED(502, "Bad Gateway"),
  /** More pipelined requests wait on one connection than allowed. */
  TOO_MANY_PIPELINED(503, "Service Unavailable"),
  /** The cluster has no endpoints. */
  NO_ENDPOINTS(503, "Service Unavailable"),
  /**
   * A circuit breaker of the cluster is open (max requests, pending requests or connections): the
   * request fails fast, marked with {@code x-weir-overloaded: true}.
   */
  OVERLOADED(503, "Service Unavailable"),
  /** The upstream did not start its response in time. */
  UPSTREAM_TIMEOUT(504, "Gateway Timeout"),
  /** The route's whole-request timeout expired before the response started. */
  REQUEST_TIMEOUT(504, "Gateway Timeout");

  private final int status;
  private final String reason;

  ErrorKind(int status, String reason) {
    this.status = status;
    this.reason = reason;
  }

  /** The HTTP status sent for this kind. */
  public int status() {
    return status;
  }

  /** The status's reason phrase. */
  public String reason() {
    return reason;
  }
}
