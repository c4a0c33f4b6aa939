package dev.weir.controller.model;

import java.util.Objects;

/**
 * A copy of each forwarded request sent, fire-and-forget, to another cluster (Gateway API
 * RequestMirror filter).
 *
 * @param cluster the cluster's name, {@code "namespace/service:port"}
 * @param numerator with {@code denominator}, the share of requests mirrored
 * @param denominator positive; {@code numerator / denominator} is at most 1
 */
public record Mirror(String cluster, int numerator, int denominator) {
  public Mirror {
    Objects.requireNonNull(cluster, "cluster");
    if (denominator <= 0 || numerator < 0 || numerator > denominator) {
      throw new IllegalArgumentException(
          "mirror share " + numerator + "/" + denominator + " is not within 0..1");
    }
  }
}
