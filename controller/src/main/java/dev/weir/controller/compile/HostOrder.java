package dev.weir.controller.compile;

import java.util.Comparator;

/**
 * The order of hostnames in the snapshot, most specific first: exact names (alphabetically), then
 * wildcards by descending length, then the catch-all "*". Used for virtual hosts and SNI entries.
 */
final class HostOrder {

  static final Comparator<String> MOST_SPECIFIC_FIRST =
      Comparator.comparingInt(HostOrder::category)
          .thenComparingInt(h -> h.startsWith("*.") ? -h.length() : 0)
          .thenComparing(Comparator.naturalOrder());

  private HostOrder() {}

  private static int category(String host) {
    if (host.equals("*")) {
      return 2;
    }
    return host.startsWith("*.") ? 1 : 0;
  }
}
