package dev.weir.dataplane.routing;

import dev.weir.dataplane.auth.ExtAuthSettings;
import dev.weir.dataplane.auth.JwtSettings;
import dev.weir.dataplane.filter.ProxyFilter;
import java.util.List;

/**
 * A route's traffic filters (proto {@code RouteFilters}, from a TrafficPolicy), compiled once per
 * snapshot; each setting is {@code null} when its filter is off for the route. Immutable.
 *
 * @param rateLimit local token-bucket rate limit
 * @param ipAccess client IP allow and deny lists
 * @param securityHeaders response security headers
 * @param compression gzip of responses
 * @param fault fault injection (delays and aborts)
 * @param jwt JWT bearer authentication
 * @param extAuth external authorization over HTTP
 * @param cache the in-memory response cache
 * @param plugins the route's plugin filters, in order; empty for none
 */
public record RouteFilters(
    RateLimitSettings rateLimit,
    IpAccessList ipAccess,
    SecurityHeaders securityHeaders,
    CompressionSettings compression,
    FaultSettings fault,
    JwtSettings jwt,
    ExtAuthSettings extAuth,
    ResponseCacheSettings cache,
    List<ProxyFilter> plugins) {

  /** No filters. */
  public static final RouteFilters NONE =
      new RouteFilters(null, null, null, null, null, null, null, null, List.of());

  public RouteFilters {
    plugins = List.copyOf(plugins);
  }

  /** Whether every filter is off. */
  public boolean isEmpty() {
    return rateLimit == null
        && ipAccess == null
        && securityHeaders == null
        && compression == null
        && fault == null
        && jwt == null
        && extAuth == null
        && cache == null
        && plugins.isEmpty();
  }
}
