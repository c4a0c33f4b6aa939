package dev.weir.dataplane.routing;

/**
 * A route's timeouts; 0 means unset. Immutable.
 *
 * @param requestMillis the whole exchange, from the request head to the response's last byte
 * @param backendRequestMillis one upstream attempt, from sending the request to the response's last
 *     byte; replaces the cluster's response timeout for this route
 */
public record RouteTimeouts(long requestMillis, long backendRequestMillis) {

  /** No route timeouts. */
  public static final RouteTimeouts NONE = new RouteTimeouts(0, 0);

  public RouteTimeouts {
    if (requestMillis < 0 || backendRequestMillis < 0) {
      throw new IllegalArgumentException("timeouts must be >= 0");
    }
  }
}
