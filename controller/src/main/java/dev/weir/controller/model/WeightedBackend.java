package dev.weir.controller.model;

import java.util.Objects;

/**
 * One backend of a forward action, chosen with probability weight / sum(weights).
 *
 * @param cluster the cluster's name, {@code "namespace/service:port"}, or "" for an error backend
 * @param weight the relative weight, positive
 * @param requestHeaders applied after the route's own request modifier, for this backend only
 * @param responseHeaders applied after the route's own response modifier, for this backend only
 * @param errorStatus 0, or the status that answers this backend's share of requests instead of a
 *     cluster (Gateway API: the share of an invalid backendRef gets 500)
 */
public record WeightedBackend(
    String cluster,
    int weight,
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders,
    int errorStatus) {
  public WeightedBackend {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
    if ((errorStatus == 0) == cluster.isEmpty()) {
      throw new IllegalArgumentException("a backend has either a cluster or an error status");
    }
  }

  /** A backend whose share of requests is answered with {@code status}. */
  public static WeightedBackend error(int status, int weight) {
    return new WeightedBackend("", weight, HeaderModifier.NONE, HeaderModifier.NONE, status);
  }

  /** True when this backend answers with {@link #errorStatus()} instead of forwarding. */
  public boolean isError() {
    return errorStatus != 0;
  }
}
