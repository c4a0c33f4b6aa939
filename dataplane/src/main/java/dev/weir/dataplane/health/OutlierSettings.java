package dev.weir.dataplane.health;

import dev.weir.api.config.v1.OutlierDetection;

/**
 * A cluster's passive outlier detection ({@code Cluster.outlier_detection}) with the snapshot
 * protocol's defaults applied. Immutable.
 *
 * @param consecutive5xx 5xx responses in a row that eject an endpoint
 * @param consecutiveConnectFailures connect failures (refused, reset, timeout) in a row that eject
 * @param baseEjectionMillis the first ejection's length; the n-th consecutive one lasts n times it
 * @param maxEjectionPercent the largest share of the cluster's endpoints ejected at once
 */
public record OutlierSettings(
    int consecutive5xx,
    int consecutiveConnectFailures,
    long baseEjectionMillis,
    int maxEjectionPercent) {

  public OutlierSettings {
    if (consecutive5xx < 1 || consecutiveConnectFailures < 1 || baseEjectionMillis < 1) {
      throw new IllegalArgumentException("thresholds and ejection time must be positive");
    }
    if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
      throw new IllegalArgumentException("max ejection percent must be 0-100");
    }
  }

  /**
   * The settings of {@code proto}, with the defaults its comments give for each 0 field: 5
   * consecutive 5xx, 5 consecutive connect failures, 30 s base ejection, at most 10% ejected.
   */
  public static OutlierSettings from(OutlierDetection proto) {
    return new OutlierSettings(
        HealthCheckSettings.orDefault(proto.getConsecutive5Xx(), 5),
        HealthCheckSettings.orDefault(proto.getConsecutiveConnectFailures(), 5),
        HealthCheckSettings.orDefault(proto.getBaseEjectionMs(), 30_000),
        Math.min(100, HealthCheckSettings.orDefault(proto.getMaxEjectionPercent(), 10)));
  }

  /**
   * How many of {@code endpoints} may be ejected at once: {@code maxEjectionPercent} of them,
   * rounded down, but at least one (the proto's contract), so a small cluster can still shed its
   * one bad endpoint.
   */
  public int maxEjected(int endpoints) {
    return Math.max(1, endpoints * maxEjectionPercent / 100);
  }
}
