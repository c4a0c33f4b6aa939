package dev.weir.dataplane.lb;

import java.util.List;

/**
 * Picks an endpoint at random with probability {@code weight / sum(weights)} ({@link
 * WeightedPicker}: one random number and a binary search). Immutable; thread-safe, no lock, no
 * allocation.
 *
 * @param <E> the endpoint type
 */
public final class RandomBalancer<E> implements LoadBalancer<E> {

  /** Redraws before {@link #selectOther} gives up on chance and takes the next in order. */
  static final int REDRAWS = 8;

  private final List<E> endpoints;
  private final WeightedPicker<E> picker;

  /**
   * @param endpoints in order (copied)
   * @param weights one per endpoint, each ≥ 1
   */
  public RandomBalancer(List<E> endpoints, List<Long> weights) {
    Weights.of(endpoints, weights);
    this.endpoints = List.copyOf(endpoints);
    this.picker = endpoints.isEmpty() ? null : new WeightedPicker<>(endpoints, weights);
  }

  @Override
  public E select(PickRequest request) {
    return picker == null ? null : picker.pick();
  }

  @Override
  public E selectOther(E previous, PickRequest request) {
    if (endpoints.size() < 2) {
      return null;
    }
    for (int i = 0; i < REDRAWS; i++) {
      E candidate = picker.pick();
      if (!candidate.equals(previous)) {
        return candidate;
      }
    }
    return EndpointOrder.after(endpoints, previous);
  }
}
