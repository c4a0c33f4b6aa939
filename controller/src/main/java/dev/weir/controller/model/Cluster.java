package dev.weir.controller.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream pool: one Service port and its ready endpoints.
 *
 * @param name {@code "namespace/service:port"}
 * @param endpoints ready, non-terminating endpoints, sorted; may be empty (the data plane answers
 *     503)
 * @param connectTimeout the connect timeout
 * @param responseTimeout from the request's last byte to the response's first byte
 */
public record Cluster(
    String name, List<Endpoint> endpoints, Duration connectTimeout, Duration responseTimeout) {
  public Cluster {
    Objects.requireNonNull(name, "name");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
  }
}
