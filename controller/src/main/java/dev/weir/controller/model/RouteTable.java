package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;

/**
 * Virtual hosts shared by one or more listeners.
 *
 * @param name the table's name
 * @param virtualHosts exact domains first, then wildcards (longest first), then "*"
 */
public record RouteTable(String name, List<VirtualHost> virtualHosts) {
  public RouteTable {
    Objects.requireNonNull(name, "name");
    virtualHosts = List.copyOf(virtualHosts);
  }
}
