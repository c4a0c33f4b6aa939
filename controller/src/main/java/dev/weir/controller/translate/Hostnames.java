package dev.weir.controller.translate;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Gateway API hostname rules: the intersection of a listener's hostname with a route's hostnames,
 * and the snapshot's domain syntax. A Gateway API wildcard {@code *.example.com} stands for one or
 * more labels (spec: Listener.hostname and HTTPRoute.hostnames), so it becomes the snapshot domain
 * {@code **.example.com}. Stateless.
 */
final class Hostnames {

  /** The snapshot domain that matches any host. */
  static final String ANY = "*";

  private Hostnames() {}

  /**
   * The hostnames a route serves on a listener, in the Gateway API's syntax ("" entries never
   * occur), sorted; an empty list means none intersect. A listener without a hostname and a route
   * without hostnames give {@code ["*"]}.
   *
   * @param listener the listener's hostname, or empty for any
   * @param route the route's hostnames, empty for any
   */
  static List<String> intersect(Optional<String> listener, List<String> route) {
    if (route.isEmpty()) {
      return List.of(listener.orElse(ANY));
    }
    TreeSet<String> out = new TreeSet<>();
    for (String r : route) {
      if (listener.isEmpty()) {
        out.add(r);
      } else {
        intersect(listener.get(), r).ifPresent(out::add);
      }
    }
    return List.copyOf(out);
  }

  /** The more specific of two hostnames when one covers the other. */
  static Optional<String> intersect(String a, String b) {
    if (a.equals(b)) {
      return Optional.of(a);
    }
    boolean wa = a.startsWith("*.");
    boolean wb = b.startsWith("*.");
    if (wa && !wb) {
      return covers(a, b) ? Optional.of(b) : Optional.empty();
    }
    if (wb && !wa) {
      return covers(b, a) ? Optional.of(a) : Optional.empty();
    }
    if (wa) {
      // Two wildcards: the one with the longer suffix, if the other's suffix ends it.
      if (covers(a, b.substring(2))) {
        return Optional.of(b);
      }
      if (covers(b, a.substring(2))) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** True when wildcard {@code w} ("*.suffix") matches {@code host} (one or more labels). */
  private static boolean covers(String w, String host) {
    String suffix = w.substring(1); // ".suffix"
    return host.length() > suffix.length() && host.endsWith(suffix);
  }

  /** The snapshot domain of a Gateway API hostname: "*.x" becomes "**.x". */
  static String domain(String hostname) {
    return hostname.startsWith("*.") ? "*" + hostname : hostname;
  }
}
