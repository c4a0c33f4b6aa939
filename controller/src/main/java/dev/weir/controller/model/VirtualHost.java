package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;

/**
 * Routes served for a set of domains.
 *
 * @param name the host it serves ("foo.example.com", "*.example.com" or "*")
 * @param domains the domains, in the snapshot's syntax
 * @param routes in precedence order
 */
public record VirtualHost(String name, List<String> domains, List<Route> routes) {
  public VirtualHost {
    Objects.requireNonNull(name, "name");
    domains = List.copyOf(domains);
    routes = List.copyOf(routes);
  }
}
