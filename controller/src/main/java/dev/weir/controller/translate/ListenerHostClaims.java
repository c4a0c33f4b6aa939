package dev.weir.controller.translate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hostnames each accepted route claims on each listener, so that an HTTPRoute and a GRPCRoute
 * are never both attached to one listener for an overlapping hostname. The GRPCRoute API ({@code
 * spec.hostnames}) requires that of an implementation: of two such routes exactly one is accepted,
 * the oldest by creation timestamp, then the first by "{namespace}/{name}"; the other gets {@code
 * Accepted=False} on that parent. Routes are offered in that order, so the first claim wins. The
 * spec names no reason; Weir uses {@link #REASON}.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class ListenerHostClaims {

  /** The Accepted=False reason of the route that lost its hostnames to the other kind. */
  static final String REASON = "HostnameConflict";

  private record Claim(ObjectRef route, String hostname) {}

  private final Map<String, List<Claim>> byListener = new HashMap<>();

  /**
   * The route of the other kind that already claims a hostname overlapping {@code hosts} on the
   * listener, if any.
   *
   * @param listener the listener's key (Gateway key and listener name)
   * @param route the route asking (its kind is HTTPRoute or GRPCRoute)
   * @param hosts the hostnames it would serve there (Gateway API syntax, "*" for any)
   */
  Optional<ObjectRef> conflict(String listener, ObjectRef route, List<String> hosts) {
    for (Claim c : byListener.getOrDefault(listener, List.of())) {
      if (c.route().kind().equals(route.kind())) {
        continue;
      }
      for (String h : hosts) {
        if (overlap(h, c.hostname())) {
          return Optional.of(c.route());
        }
      }
    }
    return Optional.empty();
  }

  /** Records that {@code route} is attached to {@code listener} for {@code hosts}. */
  void claim(String listener, ObjectRef route, List<String> hosts) {
    List<Claim> claims = byListener.computeIfAbsent(listener, k -> new ArrayList<>());
    for (String h : hosts) {
      claims.add(new Claim(route, h));
    }
  }

  private static boolean overlap(String a, String b) {
    return a.equals(Hostnames.ANY)
        || b.equals(Hostnames.ANY)
        || Hostnames.intersect(a, b).isPresent();
  }
}
