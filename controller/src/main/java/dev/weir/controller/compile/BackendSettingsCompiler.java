package dev.weir.controller.compile;

import dev.weir.api.config.v1.CircuitBreaker;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConnectionPool;
import dev.weir.api.config.v1.GrpcHealthCheck;
import dev.weir.api.config.v1.HashKey;
import dev.weir.api.config.v1.HealthCheck;
import dev.weir.api.config.v1.HttpHealthCheck;
import dev.weir.api.config.v1.LoadBalancing;
import dev.weir.api.config.v1.OutlierDetection;
import dev.weir.api.config.v1.RetryBudget;
import dev.weir.api.config.v1.SessionPersistence;
import dev.weir.api.config.v1.StatusRange;
import dev.weir.api.config.v1.TcpHealthCheck;
import dev.weir.controller.model.BackendSettings;
import java.time.Duration;

/**
 * Compiles a cluster's {@link BackendSettings} (BackendPolicy) into {@code weir.config.v1.Cluster}
 * fields 7–14. A block the policy leaves unset stays unset, so the data plane keeps the default the
 * protocol documents. Stateless.
 */
final class BackendSettingsCompiler {

  private BackendSettingsCompiler() {}

  /** Sets the fields of {@code s} on {@code cb}. */
  static void apply(BackendSettings s, Cluster.Builder cb) {
    if (s.loadBalancing() != null) {
      cb.setLoadBalancing(loadBalancing(s.loadBalancing()));
    }
    if (s.sessionPersistence() != null) {
      BackendSettings.SessionPersistence sp = s.sessionPersistence();
      SessionPersistence.Builder b =
          SessionPersistence.newBuilder().setTtlSeconds(seconds(sp.ttl()));
      cb.setSessionPersistence(
          sp.cookie() ? b.setCookieName(sp.name()) : b.setHeaderName(sp.name()));
    }
    if (s.healthCheck() != null) {
      cb.setHealthCheck(healthCheck(s.healthCheck()));
    }
    if (s.outlierDetection() != null) {
      BackendSettings.OutlierDetection od = s.outlierDetection();
      cb.setOutlierDetection(
          OutlierDetection.newBuilder()
              .setConsecutive5Xx(od.consecutive5xx())
              .setConsecutiveConnectFailures(od.consecutiveConnectFailures())
              .setBaseEjectionMs(millis(od.baseEjection()))
              .setMaxEjectionPercent(od.maxEjectionPercent()));
    }
    if (s.circuitBreaker() != null) {
      BackendSettings.CircuitBreaker c = s.circuitBreaker();
      cb.setCircuitBreaker(
          CircuitBreaker.newBuilder()
              .setMaxConnections(c.maxConnections())
              .setMaxPendingRequests(c.maxPendingRequests())
              .setMaxRequests(c.maxRequests())
              .setMaxRetries(c.maxRetries()));
    }
    if (s.connectionPool() != null) {
      BackendSettings.ConnectionPool p = s.connectionPool();
      cb.setConnectionPool(
          ConnectionPool.newBuilder()
              .setMaxIdleConnections(p.maxIdleConnections())
              .setIdleTimeoutMs(millis(p.idleTimeout()))
              .setMaxRequestsPerConnection(p.maxRequestsPerConnection()));
    }
    cb.setReadTimeoutMs(millis(s.readTimeout()));
    if (s.retryBudget() != null) {
      RetryBudget.Builder budget =
          RetryBudget.newBuilder().setBudgetPercent(s.retryBudget().budgetPercent());
      // Explicit presence: 0 is "no floor", absent is the data plane's default.
      if (s.retryBudget().minRetryConcurrency() != null) {
        budget.setMinRetryConcurrency(s.retryBudget().minRetryConcurrency());
      }
      cb.setRetryBudget(budget);
    }
  }

  private static LoadBalancing loadBalancing(BackendSettings.LoadBalancing lb) {
    LoadBalancing.Builder b =
        LoadBalancing.newBuilder()
            .setAlgorithm(LoadBalancing.Algorithm.valueOf(lb.algorithm().name()))
            .setTableSize(lb.tableSize());
    if (lb.hashKey() != null) {
      b.setHashKey(
          switch (lb.hashKey()) {
            case BackendSettings.HashKey.Header h -> HashKey.newBuilder().setHeader(h.name());
            case BackendSettings.HashKey.Cookie c -> HashKey.newBuilder().setCookie(c.name());
            case BackendSettings.HashKey.SourceIp ip -> HashKey.newBuilder().setSourceIp(true);
          });
    }
    return b.build();
  }

  private static HealthCheck healthCheck(BackendSettings.HealthCheck hc) {
    HealthCheck.Builder b =
        HealthCheck.newBuilder()
            .setIntervalMs(millis(hc.interval()))
            .setTimeoutMs(millis(hc.timeout()))
            .setHealthyThreshold(hc.healthyThreshold())
            .setUnhealthyThreshold(hc.unhealthyThreshold());
    switch (hc.kind()) {
      case HTTP -> {
        HttpHealthCheck.Builder http =
            HttpHealthCheck.newBuilder().setPath(hc.path()).setHost(hc.host());
        hc.expectedStatuses()
            .forEach(
                r ->
                    http.addExpectedStatuses(
                        StatusRange.newBuilder().setStart(r.start()).setEnd(r.end())));
        b.setHttp(http);
      }
      case TCP -> b.setTcp(TcpHealthCheck.getDefaultInstance());
      case GRPC -> b.setGrpc(GrpcHealthCheck.newBuilder().setService(hc.grpcService()));
    }
    return b.build();
  }

  /** Milliseconds as the protocol's uint32 (the validator keeps durations below 2^32 ms). */
  private static int millis(Duration d) {
    return (int) Math.min(0xFFFF_FFFFL, Math.max(0, d.toMillis()));
  }

  /** Whole seconds, rounded up so that a sub-second lifetime is not a session cookie. */
  private static int seconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return (int) Math.min(0xFFFF_FFFFL, Math.max(0, s));
  }
}
