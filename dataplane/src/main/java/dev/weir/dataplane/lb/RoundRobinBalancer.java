package dev.weir.dataplane.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin over an immutable endpoint list. Thread-safe without locks: one {@link AtomicInteger}
 * counter indexes the list.
 *
 * @param <E> the endpoint type
 */
public final class RoundRobinBalancer<E> implements LoadBalancer<E> {

  private final List<E> endpoints;
  private final AtomicInteger next = new AtomicInteger();

  /** A balancer over {@code endpoints} (copied). */
  public RoundRobinBalancer(List<E> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public E select() {
    int n = endpoints.size();
    if (n == 0) {
      return null;
    }
    // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE.
    return endpoints.get(Math.floorMod(next.getAndIncrement(), n));
  }

  @Override
  public E selectOther(E previous) {
    int n = endpoints.size();
    if (n < 2) {
      return null;
    }
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      E candidate = endpoints.get((start + i) % n);
      if (!candidate.equals(previous)) {
        return candidate;
      }
    }
    return null;
  }
}
