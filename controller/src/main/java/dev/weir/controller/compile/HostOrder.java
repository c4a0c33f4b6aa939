package dev.weir.controller.compile;

import java.util.Comparator;

/**
 * The order of hostnames in the snapshot, most specific first: exact names (alphabetically), then
 * wildcards by descending suffix length (Ingress "*." before Gateway API "**." at equal length),
 * then the catch-all "*". Used for virtual hosts and SNI entries.
 */
final class HostOrder {

  static final Comparator<String> MOST_SPECIFIC_FIRST =
      Comparator.comparingInt(HostOrder::category)
          .thenComparingInt(h -> -suffix(h).length())
          // At equal suffix, the one-label "*." wildcard before the multi-label "**." one.
          .thenComparingInt(h -> h.startsWith("**.") ? 1 : 0)
          .thenComparing(Comparator.naturalOrder());

  private HostOrder() {}

  private static int category(String host) {
    if (host.equals("*")) {
      return 2;
    }
    return host.startsWith("*.") || host.startsWith("**.") ? 1 : 0;
  }

  /** The part after a wildcard's "*." or "**." (the host itself when it is exact). */
  private static String suffix(String host) {
    if (host.startsWith("**.")) {
      return host.substring(3);
    }
    return host.startsWith("*.") ? host.substring(2) : "";
  }
}
