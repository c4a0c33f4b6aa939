package dev.weir.dataplane.config;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.StatusRange;
import dev.weir.dataplane.health.ClusterHealth;
import dev.weir.dataplane.health.HealthCheckSettings;
import dev.weir.dataplane.health.HealthStates;
import dev.weir.dataplane.health.OutlierSettings;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.List;

/**
 * Compiles a cluster's {@code health_check} and {@code outlier_detection} into its {@link
 * ClusterHealth}, carrying each endpoint's state over from the serving snapshot through {@link
 * HealthStates}. An expected-status range outside 100-599, or reversed, fails the cluster. Runs on
 * the applying thread; stateless apart from the shared {@link HealthStates}.
 */
final class HealthCompiler {

  private final HealthStates states;

  /**
   * @param states the health state across snapshots, or null to check nothing (compiler tests)
   */
  HealthCompiler(HealthStates states) {
    this.states = states;
  }

  ClusterHealth compile(
      Cluster c, List<UpstreamEndpoint> endpoints, boolean h2, List<ResourceError> errors) {
    if (states == null) {
      return ClusterHealth.none();
    }
    HealthCheckSettings check = null;
    if (c.hasHealthCheck()) {
      for (StatusRange r : c.getHealthCheck().getHttp().getExpectedStatusesList()) {
        if (r.getStart() < 100 || r.getEnd() > 599 || r.getStart() > r.getEnd()) {
          errors.add(
              RuntimeConfigCompiler.error(
                  "cluster",
                  c.getName(),
                  "health check status range " + r.getStart() + "-" + r.getEnd() + " is invalid"));
          return ClusterHealth.none();
        }
      }
      check = HealthCheckSettings.from(c.getHealthCheck());
    }
    OutlierSettings outlier =
        c.hasOutlierDetection() ? OutlierSettings.from(c.getOutlierDetection()) : null;
    return states.prepare(c.getName(), endpoints, check, outlier, h2);
  }
}
