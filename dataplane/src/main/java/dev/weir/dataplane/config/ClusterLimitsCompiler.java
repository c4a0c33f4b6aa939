package dev.weir.dataplane.config;

import dev.weir.api.config.v1.CircuitBreaker;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConnectionPool;
import dev.weir.api.config.v1.RetryBudget;
import dev.weir.dataplane.upstream.ClusterLimits;

/**
 * Compiles a snapshot cluster's BackendPolicy limits (fields {@code circuit_breaker}, {@code
 * connection_pool}, {@code read_timeout_ms} and {@code retry_budget}) into {@link ClusterLimits},
 * applying the defaults the protocol's comments give. Stateless.
 */
final class ClusterLimitsCompiler {

  /** {@code RetryBudget.budget_percent} when 0. */
  static final int DEFAULT_BUDGET_PERCENT = 20;

  /** {@code RetryBudget.min_retry_concurrency} when 0. */
  static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;

  private ClusterLimitsCompiler() {}

  /** The limits of {@code c}; {@link ClusterLimits#NONE} when it sets none. */
  static ClusterLimits compile(Cluster c) {
    if (!c.hasCircuitBreaker()
        && !c.hasConnectionPool()
        && c.getReadTimeoutMs() == 0
        && !c.hasRetryBudget()) {
      return ClusterLimits.NONE;
    }
    CircuitBreaker cb = c.getCircuitBreaker();
    ConnectionPool pool = c.getConnectionPool();
    ClusterLimits.RetryBudget budget = null;
    if (c.hasRetryBudget()) {
      RetryBudget b = c.getRetryBudget();
      budget =
          new ClusterLimits.RetryBudget(
              orDefault(b.getBudgetPercent(), DEFAULT_BUDGET_PERCENT),
              b.hasMinRetryConcurrency()
                  ? unsigned(b.getMinRetryConcurrency())
                  : DEFAULT_MIN_RETRY_CONCURRENCY);
    }
    // Unset messages read as all zeros, which is each field's "no limit" or "default".
    return new ClusterLimits(
        unsigned(cb.getMaxConnections()),
        unsigned(cb.getMaxPendingRequests()),
        unsigned(cb.getMaxRequests()),
        unsigned(cb.getMaxRetries()),
        unsigned(pool.getMaxIdleConnections()),
        Integer.toUnsignedLong(pool.getIdleTimeoutMs()),
        unsigned(pool.getMaxRequestsPerConnection()),
        Integer.toUnsignedLong(c.getReadTimeoutMs()),
        budget);
  }

  /** A proto {@code uint32} as a Java int, values past {@code int}'s range held at its maximum. */
  private static int unsigned(int value) {
    return (int) Math.min(Integer.toUnsignedLong(value), Integer.MAX_VALUE);
  }

  private static int orDefault(int value, int fallback) {
    return value == 0 ? fallback : unsigned(value);
  }
}
