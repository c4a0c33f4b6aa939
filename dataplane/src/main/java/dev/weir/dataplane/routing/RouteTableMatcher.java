package dev.weir.dataplane.routing;

import java.util.Objects;

/**
 * A route table compiled for matching: host first, then path within the chosen virtual host.
 * Immutable; any thread may call {@link #match}.
 *
 * @param name the route table's name
 * @param hosts virtual hosts by domain
 */
public record RouteTableMatcher(String name, HostMatcher<PathMatcher<RouteEntry>> hosts) {

  public RouteTableMatcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(hosts, "hosts");
  }

  /**
   * The route serving a request.
   *
   * @param host a normalised host ({@link HostMatcher#normalizeHost})
   * @param path a normalised path ({@link RequestTarget#path()})
   * @return the route, or {@code null} when none matches
   */
  public RouteEntry match(String host, String path) {
    PathMatcher<RouteEntry> paths = hosts.match(host);
    return paths == null ? null : paths.match(path);
  }
}
