package dev.weir.controller.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * One upstream address.
 *
 * @param address an IPv4 or IPv6 literal
 * @param port the port
 */
public record Endpoint(String address, int port) implements Comparable<Endpoint> {
  private static final Comparator<Endpoint> ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  public Endpoint {
    Objects.requireNonNull(address, "address");
  }

  @Override
  public int compareTo(Endpoint o) {
    return ORDER.compare(this, o);
  }
}
