package dev.weir.dataplane.lb;

import java.util.List;

/**
 * Walks that find "another endpoint" for {@link LoadBalancer#selectOther}: the next one in list
 * order, and the next distinct one along a hash ring or a Maglev table. Stateless; the walks run
 * only on retries, never on a first pick.
 */
final class EndpointOrder {

  private EndpointOrder() {}

  /** The index of {@code endpoint} in {@code endpoints}, or -1. */
  static <E> int indexOf(List<E> endpoints, E endpoint) {
    for (int i = 0; i < endpoints.size(); i++) {
      if (endpoints.get(i).equals(endpoint)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The endpoint after {@code previous} in list order (the first when it is absent); null when
   * alone.
   */
  static <E> E after(List<E> endpoints, E previous) {
    if (endpoints.size() < 2) {
      return null;
    }
    return endpoints.get((indexOf(endpoints, previous) + 1) % endpoints.size());
  }

  /**
   * The owner that follows {@code previous} in a key's preference list: the distinct owners met
   * walking {@code owners} (a ring's points or a Maglev table) circularly from {@code start}. When
   * {@code previous} is last, the list wraps to its first; when {@code previous} is not in it, its
   * first is the answer.
   *
   * @param owners endpoint indices, each below {@code n}
   * @return an owner other than {@code previous}, or -1 when there is none
   */
  static int nextDistinct(int[] owners, int start, int previous, int n) {
    boolean[] before = new boolean[n];
    boolean passed = false;
    for (int step = 0; step < owners.length; step++) {
      int o = owners[(start + step) % owners.length];
      if (o == previous) {
        passed = true;
      } else if (!before[o]) {
        if (passed) {
          return o;
        }
        before[o] = true;
      }
    }
    int first = owners[start];
    if (first != previous) {
      return first;
    }
    return -1;
  }
}
