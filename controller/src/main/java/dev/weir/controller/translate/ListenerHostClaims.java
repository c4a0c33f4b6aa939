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

  /**
   * One kind's claims on one listener, indexed so that checking a route costs the same with 10 or
   * 10,000 routes attached: exact hostnames by name; wildcards and "any" (rare) in claim order.
   */
  private static final class Claims {
    final Map<String, ObjectRef> exact = new HashMap<>();
    final List<Map.Entry<String, ObjectRef>> wildcards = new ArrayList<>();

    void add(String host, ObjectRef route) {
      if (host.equals(Hostnames.ANY) || host.startsWith("*")) {
        wildcards.add(Map.entry(host, route));
      } else {
        exact.putIfAbsent(host, route);
      }
    }

    Optional<ObjectRef> overlapping(String host) {
      for (Map.Entry<String, ObjectRef> w : wildcards) {
        if (overlap(host, w.getKey())) {
          return Optional.of(w.getValue());
        }
      }
      if (!host.equals(Hostnames.ANY) && !host.startsWith("*")) {
        return Optional.ofNullable(exact.get(host));
      }
      // A wildcard asking: any exact claim it covers (wildcard routes are few, so this is rare).
      for (Map.Entry<String, ObjectRef> e : exact.entrySet()) {
        if (overlap(host, e.getKey())) {
          return Optional.of(e.getValue());
        }
      }
      return Optional.empty();
    }
  }

  /** Claims by listener key, then by route kind. */
  private final Map<String, Map<String, Claims>> byListener = new HashMap<>();

  /**
   * The route of the other kind that already claims a hostname overlapping {@code hosts} on the
   * listener, if any.
   *
   * @param listener the listener's key (Gateway key and listener name)
   * @param route the route asking (its kind is HTTPRoute or GRPCRoute)
   * @param hosts the hostnames it would serve there (Gateway API syntax, "*" for any)
   */
  Optional<ObjectRef> conflict(String listener, ObjectRef route, List<String> hosts) {
    for (Map.Entry<String, Claims> kind : byListener.getOrDefault(listener, Map.of()).entrySet()) {
      if (kind.getKey().equals(route.kind())) {
        continue;
      }
      for (String h : hosts) {
        Optional<ObjectRef> other = kind.getValue().overlapping(h);
        if (other.isPresent()) {
          return other;
        }
      }
    }
    return Optional.empty();
  }

  /** Records that {@code route} is attached to {@code listener} for {@code hosts}. */
  void claim(String listener, ObjectRef route, List<String> hosts) {
    Claims claims =
        byListener
            .computeIfAbsent(listener, k -> new HashMap<>())
            .computeIfAbsent(route.kind(), k -> new Claims());
    for (String h : hosts) {
      claims.add(h, route);
    }
  }

  private static boolean overlap(String a, String b) {
    return a.equals(Hostnames.ANY)
        || b.equals(Hostnames.ANY)
        || Hostnames.intersect(a, b).isPresent();
  }
}
