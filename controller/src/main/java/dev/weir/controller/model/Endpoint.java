package dev.weir.controller.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * One upstream address. Ordered (and kept unique in sorted sets) by address and port alone.
 *
 * @param address an IPv4 or IPv6 literal
 * @param port the port
 * @param weight its share of the cluster's requests, relative to the other endpoints' (1 to {@link
 *     #MAX_WEIGHT})
 */
public record Endpoint(String address, int port, int weight) implements Comparable<Endpoint> {

  /** The largest weight an endpoint may have. */
  public static final int MAX_WEIGHT = 1000;

  private static final Comparator<Endpoint> ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  public Endpoint {
    Objects.requireNonNull(address, "address");
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 1 to " + MAX_WEIGHT + ": " + weight);
    }
  }

  /** An endpoint of weight 1. */
  public Endpoint(String address, int port) {
    this(address, port, 1);
  }

  @Override
  public int compareTo(Endpoint o) {
    return ORDER.compare(this, o);
  }
}
