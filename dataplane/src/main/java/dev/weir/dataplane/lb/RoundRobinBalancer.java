package dev.weir.dataplane.lb;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin, nginx's algorithm ({@code ngx_http_upstream_get_peer}): on each pick
 * every endpoint's current weight grows by its weight, the largest wins and drops by the total.
 * Weights 5,1,1 give {@code a a b a c a a}: the heavy endpoint's turns are spread out, not bunched.
 * Equal weights give plain round robin.
 *
 * <p>The schedule is worked out once per snapshot, over one period (the weights divided by their
 * greatest common divisor, scaled down to at most {@value #MAX_SCHEDULE} turns when larger), so a
 * pick is one {@link AtomicInteger} increment and an array read: thread-safe, lock-free, no
 * allocation. Equal weights (the common case) need no schedule: one period is the endpoints in
 * order, so nothing per endpoint is kept beyond the list.
 *
 * @param <E> the endpoint type
 */
public final class RoundRobinBalancer<E> implements LoadBalancer<E> {

  static final int MAX_SCHEDULE = 1 << 16;

  private final List<E> endpoints;

  /** One period as endpoint indices; null when the weights are equal (the identity). */
  private final int[] schedule;

  private final AtomicInteger next = new AtomicInteger();

  /** Plain round robin over {@code endpoints} (copied). */
  public RoundRobinBalancer(List<E> endpoints) {
    this(endpoints, Collections.nCopies(endpoints.size(), 1L));
  }

  /**
   * @param endpoints in order (copied)
   * @param weights one per endpoint, each ≥ 1
   */
  public RoundRobinBalancer(List<E> endpoints, List<Long> weights) {
    this.endpoints = List.copyOf(endpoints);
    long[] reduced = Weights.reduced(Weights.of(endpoints, weights));
    this.schedule =
        allOnes(reduced) ? null : smoothSchedule(Weights.expanded(reduced, 1, MAX_SCHEDULE));
  }

  @Override
  public E select(PickRequest request) {
    int n = schedule == null ? endpoints.size() : schedule.length;
    if (n == 0) {
      return null;
    }
    // floorMod keeps the index valid after the counter wraps past Integer.MAX_VALUE.
    int turn = Math.floorMod(next.getAndIncrement(), n);
    return endpoints.get(schedule == null ? turn : schedule[turn]);
  }

  /** The schedule's next turn that is not {@code previous}: retries spread like first picks. */
  @Override
  public E selectOther(E previous, PickRequest request) {
    if (endpoints.size() < 2) {
      return null;
    }
    int period = schedule == null ? endpoints.size() : schedule.length;
    for (int i = 0; i < period; i++) {
      E candidate = select(request);
      if (!candidate.equals(previous)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean allOnes(long[] weights) {
    for (long w : weights) {
      if (w != 1) {
        return false;
      }
    }
    return true;
  }

  /** One period of nginx's smooth weighted round robin, as endpoint indices. */
  static int[] smoothSchedule(long[] weights) {
    long total = 0;
    for (long w : weights) {
      total += w;
    }
    int[] out = new int[(int) total];
    long[] current = new long[weights.length];
    for (int turn = 0; turn < out.length; turn++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      out[turn] = best;
    }
    return out;
  }
}
