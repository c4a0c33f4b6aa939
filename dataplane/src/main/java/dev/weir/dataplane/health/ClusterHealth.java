package dev.weir.dataplane.health;

import dev.weir.dataplane.lb.LoadBalancer;
import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one cluster's endpoints as one snapshot sees them: which endpoints are available,
 * the passive reports of the exchanges (outlier detection), and the choice of an available endpoint
 * over the balancer's pick. Built per snapshot by {@link HealthStates}; the {@link EndpointHealth}
 * objects it holds are carried over from the previous snapshot for endpoints still present.
 *
 * <p>A cluster without a health check and without outlier detection is {@link #none()}: every
 * endpoint is available and reports cost nothing.
 *
 * <p>Thread-safe: the map is immutable; reports and reads come from any event loop without locks;
 * only an ejection decision (rare) takes this object's lock, so that two loops cannot both eject
 * past the cluster's limit.
 */
public final class ClusterHealth {

  /** How many other endpoints are tried in turn when the balancer's pick is unavailable. */
  static final int MAX_SKIPS = 16;

  private static final Logger log = LoggerFactory.getLogger(ClusterHealth.class);
  private static final ClusterHealth NONE =
      new ClusterHealth("", Map.of(), null, null, false, () -> 0);

  private final String cluster;
  private final Map<UpstreamEndpoint, EndpointHealth> endpoints;
  private final HealthCheckSettings check;
  private final OutlierSettings outlier;
  private final boolean h2;
  private final LongSupplier nanoClock;

  /**
   * @param cluster the cluster's name, for logs
   * @param endpoints the state of each endpoint (copied)
   * @param check the active check, or null for none
   * @param outlier outlier detection, or null for none
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests)
   */
  ClusterHealth(
      String cluster,
      Map<UpstreamEndpoint, EndpointHealth> endpoints,
      HealthCheckSettings check,
      OutlierSettings outlier,
      boolean h2,
      LongSupplier nanoClock) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.endpoints = Map.copyOf(endpoints);
    this.check = check;
    this.outlier = outlier;
    this.h2 = h2;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** A cluster that nothing checks: every endpoint is always available. */
  public static ClusterHealth none() {
    return NONE;
  }

  /** The cluster's name. */
  public String cluster() {
    return cluster;
  }

  /** The active check, or null. */
  public HealthCheckSettings check() {
    return check;
  }

  /** Outlier detection, or null. */
  public OutlierSettings outlier() {
    return outlier;
  }

  /** Whether the cluster speaks HTTP/2. */
  boolean h2() {
    return h2;
  }

  /** The state of each endpoint (empty for {@link #none()}). */
  public Map<UpstreamEndpoint, EndpointHealth> endpoints() {
    return endpoints;
  }

  /** Whether traffic may go to {@code endpoint} now; endpoints without state always may. */
  public boolean available(UpstreamEndpoint endpoint) {
    EndpointHealth h = endpoints.get(endpoint);
    return h == null || h.available(nanoClock.getAsLong());
  }

  /**
   * The endpoint to use given the balancer's {@code pick}: the pick when available, else the first
   * available of up to {@link #MAX_SKIPS} endpoints that {@code other} offers in turn (the
   * balancer's {@code selectOther}); when none of them is available, the pick itself. That last
   * case is panic mode, as Envoy's at 0% healthy: when the checks say every endpoint is down, they
   * are more likely wrong (a bad health path, an overloaded network) than the whole service, and
   * sending traffic anyway gives the requests a chance where a 503 gives them none.
   *
   * @param pick the balancer's choice, or null when the cluster has no endpoint
   * @param balancer asked for endpoints other than an unavailable one
   * @param request the request's pick input, passed to {@code balancer}
   */
  public UpstreamEndpoint availableOr(
      UpstreamEndpoint pick, LoadBalancer<UpstreamEndpoint> balancer, PickRequest request) {
    if (pick == null || endpoints.isEmpty() || available(pick) || !anyAvailable()) {
      // Panic mode is decided before asking the balancer for others: each ask advances its
      // rotation, and asking in vain would skew the spread of traffic over the unavailable ones.
      return pick;
    }
    UpstreamEndpoint candidate = pick;
    int tries = Math.min(MAX_SKIPS, endpoints.size() - 1);
    for (int i = 0; i < tries; i++) {
      candidate = balancer.selectOther(candidate, request);
      if (candidate == null) {
        break;
      }
      if (available(candidate)) {
        return candidate;
      }
    }
    return pick;
  }

  private boolean anyAvailable() {
    long now = nanoClock.getAsLong();
    for (EndpointHealth h : endpoints.values()) {
      if (h.available(now)) {
        return true;
      }
    }
    return false;
  }

  /** An upstream answered {@code endpoint}'s exchange with {@code status}. */
  public void reportStatus(UpstreamEndpoint endpoint, int status) {
    EndpointHealth h = outlier == null ? null : endpoints.get(endpoint);
    if (h == null) {
      return;
    }
    if (status >= 500) {
      if (h.record5xx() >= outlier.consecutive5xx()) {
        eject(endpoint, h, outlier.consecutive5xx() + " consecutive 5xx responses");
      }
    } else {
      h.recordSuccess(nanoClock.getAsLong());
    }
  }

  /** A connection to {@code endpoint} could not be made, or was reset before any response. */
  public void reportConnectFailure(UpstreamEndpoint endpoint) {
    EndpointHealth h = outlier == null ? null : endpoints.get(endpoint);
    if (h != null && h.recordConnectFailure() >= outlier.consecutiveConnectFailures()) {
      eject(endpoint, h, outlier.consecutiveConnectFailures() + " consecutive connect failures");
    }
  }

  /**
   * Ejects {@code h} unless that would eject more than the cluster's limit; either way the runs
   * start again, so an endpoint kept in by the limit needs a full run more to be ejected later.
   */
  private synchronized void eject(UpstreamEndpoint endpoint, EndpointHealth h, String why) {
    long now = nanoClock.getAsLong();
    if (h.ejected(now)) {
      h.clearRuns();
      return;
    }
    int ejected = 0;
    for (EndpointHealth e : endpoints.values()) {
      if (e.ejected(now)) {
        ejected++;
      }
    }
    int max = outlier.maxEjected(endpoints.size());
    if (ejected >= max) {
      h.clearRuns();
      log.warn(
          "cluster {}: endpoint {} had {}, but {} of {} endpoints are ejected already (the limit)",
          cluster,
          endpoint,
          why,
          ejected,
          endpoints.size());
      return;
    }
    long millis = h.eject(now, outlier.baseEjectionMillis());
    log.warn(
        "cluster {}: ejected endpoint {} for {} ms after {} (ejection {} in a row)",
        cluster,
        endpoint,
        millis,
        why,
        h.ejections());
  }

  /** One line per endpoint, {@code "10.0.0.1:8080 healthy"}, sorted; for the admin dump. */
  public List<String> describe() {
    long now = nanoClock.getAsLong();
    List<String> lines = new ArrayList<>();
    endpoints.forEach((e, h) -> lines.add(e + " " + h.describe(now)));
    lines.sort(null);
    return lines;
  }
}
