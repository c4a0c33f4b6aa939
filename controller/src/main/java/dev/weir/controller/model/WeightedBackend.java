package dev.weir.controller.model;

import java.util.Objects;

/**
 * One backend of a forward action, chosen with probability weight / sum(weights).
 *
 * @param cluster the cluster's name, {@code "namespace/service:port"}
 * @param weight the relative weight, positive
 * @param requestHeaders applied after the route's own request modifier, for this backend only
 * @param responseHeaders applied after the route's own response modifier, for this backend only
 */
public record WeightedBackend(
    String cluster, int weight, HeaderModifier requestHeaders, HeaderModifier responseHeaders) {
  public WeightedBackend {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
  }
}
