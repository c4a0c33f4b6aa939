package dev.weir.dataplane.lb;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests this data plane has in flight to each endpoint, for {@link LeastRequestBalancer}.
 * One instance lives as long as the proxy, so counts carry over snapshot swaps: a balancer built
 * for a new snapshot takes the same counter objects for the endpoints it shares with the old one.
 * An exchange raises the count when an attempt starts on an endpoint and lowers the same counter
 * object when the attempt ends, whatever the outcome.
 *
 * <p>Thread-safe: a {@link ConcurrentHashMap} of {@link AtomicInteger}s.
 *
 * @param <E> the endpoint type
 */
public final class InFlightRequests<E> {

  private final ConcurrentHashMap<E, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** The counter of {@code endpoint}, created at 0 on first use. */
  public AtomicInteger counter(E endpoint) {
    AtomicInteger c = counts.get(endpoint);
    return c != null ? c : counts.computeIfAbsent(endpoint, e -> new AtomicInteger());
  }

  /** The requests in flight to {@code endpoint} now. */
  public int get(E endpoint) {
    AtomicInteger c = counts.get(endpoint);
    return c == null ? 0 : c.get();
  }

  /**
   * Forgets the endpoints not in {@code endpoints}. An exchange still running against a forgotten
   * endpoint lowers its own counter object, so nothing goes negative.
   */
  public void retainOnly(Set<E> endpoints) {
    counts.keySet().retainAll(endpoints);
  }
}
