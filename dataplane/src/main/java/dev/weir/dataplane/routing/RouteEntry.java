package dev.weir.dataplane.routing;

import java.util.Objects;

/**
 * One compiled route. Immutable.
 *
 * @param name the route's name in the snapshot
 * @param source the Kubernetes object it came from, for errors
 * @param action what it does
 */
public record RouteEntry(String name, String source, RouteAction action) {
  public RouteEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(action, "action");
  }
}
