package dev.weir.dataplane.lb;

import java.util.List;
import java.util.function.Function;

/**
 * Consistent hashing: a request's hash key always lands on the same endpoint while the endpoints
 * stay, and removing one of n endpoints moves only about 1/n of keys. Over a Ketama ring ({@link
 * #ring}) or a Maglev table ({@link #maglev}). A request without the key is balanced by weighted
 * round robin. {@link #selectOther} walks the key's preference list: the next distinct endpoint on
 * the ring, or in Maglev table order.
 *
 * <p>Immutable (the fallback's counter aside); thread-safe; a hashed pick is a lookup with no
 * allocation.
 *
 * @param <E> the endpoint type
 */
public final class ConsistentHashBalancer<E> implements LoadBalancer<E> {

  /** Ketama's virtual nodes per unit of weight when the snapshot says 0. */
  public static final int DEFAULT_RING_POINTS = 160;

  /** The Maglev table size when the snapshot says 0 (a prime). */
  public static final int DEFAULT_MAGLEV_SIZE = MaglevTable.DEFAULT_SIZE;

  /** The largest Maglev table accepted. */
  public static final int MAX_MAGLEV_SIZE = MaglevTable.MAX_SIZE;

  private final List<E> endpoints;
  private final HashTable table;
  private final RoundRobinBalancer<E> fallback;

  private ConsistentHashBalancer(List<E> endpoints, List<Long> weights, HashTable table) {
    this.endpoints = List.copyOf(endpoints);
    this.table = table;
    this.fallback = new RoundRobinBalancer<>(endpoints, weights);
  }

  /**
   * A Ketama ring balancer.
   *
   * @param names each endpoint's stable name, the same on every data plane ({@code address:port})
   * @param pointsPerWeight virtual nodes per unit of weight, ≥ 1
   */
  public static <E> ConsistentHashBalancer<E> ring(
      List<E> endpoints,
      List<Long> weights,
      Function<? super E, String> names,
      int pointsPerWeight) {
    if (pointsPerWeight < 1) {
      throw new IllegalArgumentException("points per weight below 1: " + pointsPerWeight);
    }
    return new ConsistentHashBalancer<>(
        endpoints,
        weights,
        HashRing.build(
            nameList(endpoints, names), Weights.of(endpoints, weights), pointsPerWeight));
  }

  /**
   * A Maglev balancer.
   *
   * @param tableSize a prime, at least the number of endpoints and at most {@link #MAX_MAGLEV_SIZE}
   * @throws IllegalArgumentException when {@code tableSize} is not such a prime
   */
  public static <E> ConsistentHashBalancer<E> maglev(
      List<E> endpoints, List<Long> weights, Function<? super E, String> names, int tableSize) {
    return new ConsistentHashBalancer<>(
        endpoints,
        weights,
        MaglevTable.build(nameList(endpoints, names), Weights.of(endpoints, weights), tableSize));
  }

  /** Whether {@code size} is prime. */
  public static boolean isPrime(long size) {
    return MaglevTable.isPrime(size);
  }

  @Override
  public E select(PickRequest request) {
    if (!request.hashed()) {
      return fallback.select(request);
    }
    if (endpoints.isEmpty()) {
      return null;
    }
    return endpoints.get(table.owners()[table.slot(request.hash())]);
  }

  @Override
  public E selectOther(E previous, PickRequest request) {
    if (!request.hashed()) {
      return fallback.selectOther(previous, request);
    }
    if (endpoints.size() < 2) {
      return null;
    }
    int other =
        EndpointOrder.nextDistinct(
            table.owners(),
            table.slot(request.hash()),
            EndpointOrder.indexOf(endpoints, previous),
            endpoints.size());
    // A heavily outweighed endpoint may own no Maglev slot: walk the list instead.
    return other >= 0 ? endpoints.get(other) : EndpointOrder.after(endpoints, previous);
  }

  private static <E> List<String> nameList(List<E> endpoints, Function<? super E, String> names) {
    return endpoints.stream().map(names).toList();
  }
}
