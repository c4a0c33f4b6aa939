package dev.weir.dataplane.lb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks one of several choices at random with probability {@code weight / sum(weights)}; a choice
 * of weight 0 is never picked. Built once per snapshot over a cumulative-weight array, so a pick is
 * one random number and a binary search, with no lock and no allocation. Immutable; any thread.
 *
 * @param <T> the choice type
 */
public final class WeightedPicker<T> {

  private final List<T> choices;
  private final long[] cumulative;
  private final long total;

  /**
   * @param choices the choices, in order
   * @param weights their weights, each ≥ 0, not all 0
   * @throws IllegalArgumentException when the sizes differ, a weight is negative or all are 0
   */
  public WeightedPicker(List<T> choices, List<Long> weights) {
    if (choices.size() != weights.size() || choices.isEmpty()) {
      throw new IllegalArgumentException("need one weight per choice, and at least one choice");
    }
    this.choices = List.copyOf(choices);
    this.cumulative = new long[weights.size()];
    long sum = 0;
    for (int i = 0; i < cumulative.length; i++) {
      long w = weights.get(i);
      if (w < 0) {
        throw new IllegalArgumentException("negative weight " + w);
      }
      sum += w;
      cumulative[i] = sum;
    }
    if (sum == 0) {
      throw new IllegalArgumentException("all weights are 0");
    }
    this.total = sum;
  }

  /** A choice, at random by weight. */
  public T pick() {
    return choices.get(pickIndex());
  }

  /** The index of a choice, at random by weight. */
  public int pickIndex() {
    if (cumulative.length == 1) {
      return 0;
    }
    return indexFor(ThreadLocalRandom.current().nextLong(total));
  }

  /**
   * The index whose weight interval holds {@code r}: the first {@code i} with {@code cumulative[i]
   * > r}. A zero-weight choice has an empty interval, so it is never the answer.
   */
  int indexFor(long r) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The choices in order. */
  public List<T> choices() {
    return choices;
  }
}
