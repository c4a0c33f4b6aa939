package dev.weir.controller.model;

import java.util.List;

/**
 * The intermediate representation of one complete configuration, after translation and validation
 * and before compilation to the snapshot proto. Every list is sorted as the snapshot requires.
 *
 * @param listeners sorted by name
 * @param routeTables sorted by name
 * @param clusters sorted by name; only clusters that a route forwards to
 * @param secrets sorted by name; only validated bundles
 */
public record Model(
    List<Listener> listeners,
    List<RouteTable> routeTables,
    List<Cluster> clusters,
    List<TlsBundle> secrets) {
  public Model {
    listeners = List.copyOf(listeners);
    routeTables = List.copyOf(routeTables);
    clusters = List.copyOf(clusters);
    secrets = List.copyOf(secrets);
  }
}
