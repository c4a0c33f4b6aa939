package dev.weir.dataplane.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routes of one virtual host, compiled for first-match-wins in route order. Immutable; any
 * thread may call {@link #match}.
 *
 * <p>Within a group of routes ({@link InOrder}), path-only PREFIX and EXACT routes go into a {@link
 * PathMatcher} (hash map plus prefixes, no allocation). Routes with more conditions (a regex path,
 * headers, query parameters or a method) are kept in route order and walked only up to the fast
 * path's answer: one of them wins when it matches and comes earlier in the route order. The result
 * is the same as checking every route in order.
 *
 * <p>A virtual host with many routes is split by the first path segment every path a route can
 * match must start with ({@code /api/...} for a prefix {@code /api/v1}, an exact {@code /api} or a
 * regex {@code /api/[0-9]+}); routes without one (a prefix {@code /}, a regex such as {@code
 * /ap.*}) form one more group that every request also checks. A request checks its own segment's
 * group and that one, and the earlier of the two answers wins: the first match among all routes is
 * the first match of one of the groups. With 10,000 routes over 1,000 first segments a lookup
 * checks about ten routes instead of thousands.
 */
public final class VirtualHostRoutes {

  /** Above this many routes, a virtual host is split by first path segment. */
  static final int SPLIT_ABOVE = 32;

  private final InOrder everyPath;
  private final Map<String, InOrder> bySegment;

  private VirtualHostRoutes(InOrder everyPath, Map<String, InOrder> bySegment) {
    this.everyPath = everyPath;
    this.bySegment = bySegment;
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
    if (bySegment.isEmpty()) {
      return everyPath.match(path, request, Integer.MAX_VALUE);
    }
    InOrder group = bySegment.get(firstSegment(path));
    RouteEntry own = group == null ? null : group.match(path, request, Integer.MAX_VALUE);
    RouteEntry any = everyPath.match(path, request, own == null ? Integer.MAX_VALUE : own.order());
    return any != null && (own == null || any.order() < own.order()) ? any : own;
  }

  /** The path's first segment: {@code "api"} for {@code "/api/v1"} and {@code "/api"}. */
  private static String firstSegment(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return ""; // "*" (OPTIONS) or an authority: no group's routes match it
    }
    int end = path.indexOf('/', 1);
    return path.substring(1, end < 0 ? path.length() : end);
  }

  /**
   * The first segment every path the route matches starts with, or null when there is none: taken
   * from the literal start of its path, which for a regex means its characters up to the first one
   * with a meaning in regex syntax, and only when that start ends the segment.
   */
  static String requiredSegment(RouteEntry r) {
    Pattern regex = r.conditions().pathRegex();
    String literal;
    boolean segmentEndsAtLiteralEnd;
    if (regex != null) {
      literal = regexLiteralStart(regex);
      segmentEndsAtLiteralEnd = false;
    } else {
      literal = r.path();
      // "/api" as a prefix matches "/api" and "/api/...", as an exact path only "/api".
      segmentEndsAtLiteralEnd = true;
    }
    if (literal == null || !literal.startsWith("/")) {
      return null;
    }
    int end = literal.indexOf('/', 1);
    if (end < 0) {
      return segmentEndsAtLiteralEnd && literal.length() > 1 ? literal.substring(1) : null;
    }
    return literal.substring(1, end);
  }

  /**
   * The characters a whole-path regex's matches all start with, or null when that cannot be told
   * safely (flags, or an alternation anywhere). Stops at the first metacharacter; a quantifier also
   * takes back the character it applies to.
   */
  private static String regexLiteralStart(Pattern regex) {
    String p = regex.pattern();
    if (regex.flags() != 0 || p.indexOf('|') >= 0) {
      return null;
    }
    int i = p.startsWith("^") ? 1 : 0;
    StringBuilder literal = new StringBuilder();
    for (; i < p.length(); i++) {
      char c = p.charAt(i);
      if ("*?{".indexOf(c) >= 0) {
        literal.setLength(Math.max(0, literal.length() - 1));
        break;
      }
      if ("\\.[]()+^$}".indexOf(c) >= 0) {
        break;
      }
      literal.append(c);
    }
    return literal.toString();
  }

  /** Routes checked in route order: a {@link PathMatcher} for path-only ones, then the rest. */
  private static final class InOrder {
    private final PathMatcher<RouteEntry> pathOnly;
    private final RouteEntry[] conditional;

    InOrder(List<RouteEntry> routes) {
      PathMatcher.Builder<RouteEntry> paths = PathMatcher.builder();
      List<RouteEntry> rest = new ArrayList<>();
      for (RouteEntry route : routes) {
        if (!route.conditions().isEmpty() || route.pathKind() == RouteEntry.PathKind.REGEX) {
          rest.add(route);
        } else if (route.pathKind() == RouteEntry.PathKind.PREFIX) {
          paths.prefix(route.path(), route);
        } else {
          paths.exact(route.path(), route);
        }
      }
      this.pathOnly = paths.build();
      this.conditional = rest.toArray(RouteEntry[]::new);
    }

    /** The first matching route with an order below {@code limit}, or null. */
    RouteEntry match(String path, RouteRequest request, int limit) {
      RouteEntry fast = pathOnly.match(path);
      if (fast != null && fast.order() < limit) {
        limit = fast.order();
      } else {
        fast = null;
      }
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
  }

  /** Collects routes in precedence order. */
  public static final class Builder {
    private final List<RouteEntry> routes = new ArrayList<>();

    /** Adds a route; its {@code order} must grow with each call. */
    public Builder add(RouteEntry route) {
      routes.add(route);
      return this;
    }

    /** The compiled routes. */
    public VirtualHostRoutes build() {
      if (routes.size() <= SPLIT_ABOVE) {
        return new VirtualHostRoutes(new InOrder(routes), Map.of());
      }
      List<RouteEntry> everyPath = new ArrayList<>();
      Map<String, List<RouteEntry>> groups = new LinkedHashMap<>();
      for (RouteEntry route : routes) {
        String segment = requiredSegment(route);
        if (segment == null) {
          everyPath.add(route);
        } else {
          groups.computeIfAbsent(segment, s -> new ArrayList<>()).add(route);
        }
      }
      Map<String, InOrder> bySegment = new HashMap<>();
      groups.forEach((segment, group) -> bySegment.put(segment, new InOrder(group)));
      return new VirtualHostRoutes(new InOrder(everyPath), bySegment);
    }
  }
}
