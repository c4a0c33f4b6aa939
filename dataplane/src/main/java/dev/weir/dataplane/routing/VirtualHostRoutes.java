package dev.weir.dataplane.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes of one virtual host, compiled for first-match-wins in route order. Immutable; any
 * thread may call {@link #match}.
 *
 * <p>Path-only PREFIX and EXACT routes go into a {@link PathMatcher} (hash map plus prefixes, no
 * allocation). Routes with more conditions (a regex path, headers, query parameters or a method)
 * are kept in route order and walked only up to the fast path's answer: one of them wins when it
 * matches and comes earlier in the route order. The result is the same as checking every route in
 * order, and a virtual host without conditional routes pays nothing extra.
 */
public final class VirtualHostRoutes {

  private final PathMatcher<RouteEntry> pathOnly;
  private final RouteEntry[] conditional;

  private VirtualHostRoutes(PathMatcher<RouteEntry> pathOnly, RouteEntry[] conditional) {
    this.pathOnly = pathOnly;
    this.conditional = conditional;
  }

  /** A builder taking routes in precedence order. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The first route, in route order, that matches the request.
   *
   * @param path the normalised path
   * @param request the rest of the request; may be {@code null} only when no route has conditions
   * @return the route, or {@code null} when none matches
   */
  public RouteEntry match(String path, RouteRequest request) {
    RouteEntry fast = pathOnly.match(path);
    int limit = fast == null ? Integer.MAX_VALUE : fast.order();
    for (RouteEntry r : conditional) {
      if (r.order() > limit) {
        break;
      }
      if (pathMatches(r, path) && r.conditions().matches(path, request)) {
        return r;
      }
    }
    return fast;
  }

  private static boolean pathMatches(RouteEntry r, String path) {
    return switch (r.pathKind()) {
      case PREFIX -> PathMatcher.prefixMatches(r.path(), path);
      case EXACT -> r.path().equals(path);
      case REGEX -> true; // checked with the other conditions
    };
  }

  /** Collects routes in precedence order. */
  public static final class Builder {
    private final PathMatcher.Builder<RouteEntry> paths = PathMatcher.builder();
    private final List<RouteEntry> conditional = new ArrayList<>();

    /** Adds a route; its {@code order} must grow with each call. */
    public Builder add(RouteEntry route) {
      if (!route.conditions().isEmpty() || route.pathKind() == RouteEntry.PathKind.REGEX) {
        conditional.add(route);
      } else if (route.pathKind() == RouteEntry.PathKind.PREFIX) {
        paths.prefix(route.path(), route);
      } else {
        paths.exact(route.path(), route);
      }
      return this;
    }

    /** The compiled routes. */
    public VirtualHostRoutes build() {
      return new VirtualHostRoutes(paths.build(), conditional.toArray(RouteEntry[]::new));
    }
  }
}
