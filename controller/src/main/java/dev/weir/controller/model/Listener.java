package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;

/**
 * A port the data plane listens on.
 *
 * @param name the listener's name
 * @param port the port
 * @param tls true for HTTPS
 * @param routeTable the {@link RouteTable#name()} that serves it
 * @param certificates HTTPS only: SNI entries, most specific first
 * @param defaultSecret HTTPS only: the certificate served without a matching SNI, or ""
 * @param clientValidation HTTPS only: client-certificate validation, or null
 */
public record Listener(
    String name,
    int port,
    boolean tls,
    String routeTable,
    List<SniEntry> certificates,
    String defaultSecret,
    ClientValidation clientValidation) {
  public Listener {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(routeTable, "routeTable");
    certificates = List.copyOf(certificates);
    Objects.requireNonNull(defaultSecret, "defaultSecret");
  }

  /** A listener without client-certificate validation. */
  public Listener(
      String name,
      int port,
      boolean tls,
      String routeTable,
      List<SniEntry> certificates,
      String defaultSecret) {
    this(name, port, tls, routeTable, certificates, defaultSecret, null);
  }
}
