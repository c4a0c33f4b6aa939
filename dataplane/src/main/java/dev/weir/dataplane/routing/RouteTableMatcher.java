package dev.weir.dataplane.routing;

import java.util.Objects;

/**
 * A route table compiled for matching: host first, then the routes of the chosen virtual host.
 * Immutable; any thread may call {@link #match}.
 *
 * @param name the route table's name
 * @param hosts virtual hosts by domain
 */
public record RouteTableMatcher(String name, HostMatcher<VirtualHostRoutes> hosts) {

  public RouteTableMatcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(hosts, "hosts");
  }

  /**
   * The route serving a request.
   *
   * @param host a normalised host ({@link HostMatcher#normalizeHost})
   * @param path a normalised path ({@link RequestTarget#path()})
   * @param request method, headers and query, for routes with conditions
   * @return the route, or {@code null} when none matches
   */
  public RouteEntry match(String host, String path, RouteRequest request) {
    VirtualHostRoutes routes = hosts.match(host);
    return routes == null ? null : routes.match(path, request);
  }
}
