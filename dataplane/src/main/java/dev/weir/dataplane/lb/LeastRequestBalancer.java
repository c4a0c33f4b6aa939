package dev.weir.dataplane.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least request by the power of two choices (Mitzenmacher, "The Power of Two Choices in Randomized
 * Load Balancing", 2001): two endpoints are drawn at random by weight, and the one with fewer
 * requests in flight from this data plane wins (the first drawn on a tie). Two random choices avoid
 * the herd that "always the global least" causes when many pickers see the same counts, and cost
 * two reads instead of a scan.
 *
 * <p>The counts are {@link InFlightRequests}' counters, shared across snapshots; the exchange
 * raises an endpoint's count when an attempt starts on it and lowers it when the attempt ends.
 * Immutable apart from those counters; thread-safe, no lock, no allocation.
 *
 * @param <E> the endpoint type
 */
public final class LeastRequestBalancer<E> implements LoadBalancer<E> {

  private final List<E> endpoints;
  private final WeightedPicker<E> picker;
  private final AtomicInteger[] inFlight;

  /**
   * @param endpoints in order (copied)
   * @param weights one per endpoint, each ≥ 1
   * @param inFlight each endpoint's in-flight counter, in the same order
   */
  public LeastRequestBalancer(List<E> endpoints, List<Long> weights, List<AtomicInteger> inFlight) {
    Weights.of(endpoints, weights);
    if (inFlight.size() != endpoints.size()) {
      throw new IllegalArgumentException("need one counter per endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    this.picker = endpoints.isEmpty() ? null : new WeightedPicker<>(endpoints, weights);
    this.inFlight = inFlight.toArray(AtomicInteger[]::new);
  }

  @Override
  public E select(PickRequest request) {
    if (picker == null) {
      return null;
    }
    int n = endpoints.size();
    int a = picker.pickIndex();
    if (n == 1) {
      return endpoints.get(a);
    }
    int b = picker.pickIndex();
    if (b == a) {
      b = picker.pickIndex();
    }
    if (b == a) {
      // Heavily skewed weights: still compare two distinct endpoints.
      b = (a + 1) % n;
    }
    return endpoints.get(lessLoaded(a, b));
  }

  @Override
  public E selectOther(E previous, PickRequest request) {
    if (endpoints.size() < 2) {
      return null;
    }
    return endpoints.get(lessLoaded(drawOther(previous), drawOther(previous)));
  }

  private int lessLoaded(int a, int b) {
    return inFlight[b].get() < inFlight[a].get() ? b : a;
  }

  /** A random index by weight whose endpoint is not {@code previous}. */
  private int drawOther(E previous) {
    for (int i = 0; i < RandomBalancer.REDRAWS; i++) {
      int candidate = picker.pickIndex();
      if (!endpoints.get(candidate).equals(previous)) {
        return candidate;
      }
    }
    return (EndpointOrder.indexOf(endpoints, previous) + 1) % endpoints.size();
  }
}
