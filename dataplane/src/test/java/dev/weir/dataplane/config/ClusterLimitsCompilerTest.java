package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.CircuitBreaker;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConnectionPool;
import dev.weir.api.config.v1.RetryBudget;
import dev.weir.dataplane.upstream.ClusterLimits;
import org.junit.jupiter.api.Test;

class ClusterLimitsCompilerTest {

  @Test
  void clusterWithoutBackendPolicyHasNoLimits() {
    assertThat(ClusterLimitsCompiler.compile(Cluster.newBuilder().setName("a").build()))
        .isSameAs(ClusterLimits.NONE);
  }

  @Test
  void everyFieldIsCompiled() {
    Cluster c =
        Cluster.newBuilder()
            .setName("a")
            .setCircuitBreaker(
                CircuitBreaker.newBuilder()
                    .setMaxConnections(1)
                    .setMaxPendingRequests(2)
                    .setMaxRequests(3)
                    .setMaxRetries(4))
            .setConnectionPool(
                ConnectionPool.newBuilder()
                    .setMaxIdleConnections(5)
                    .setIdleTimeoutMs(6)
                    .setMaxRequestsPerConnection(7))
            .setReadTimeoutMs(8)
            .setRetryBudget(RetryBudget.newBuilder().setBudgetPercent(9).setMinRetryConcurrency(10))
            .build();
    assertThat(ClusterLimitsCompiler.compile(c))
        .isEqualTo(new ClusterLimits(1, 2, 3, 4, 5, 6, 7, 8, new ClusterLimits.RetryBudget(9, 10)));
  }

  @Test
  void emptyRetryBudgetTakesTheProtocolsDefaults() {
    ClusterLimits limits =
        ClusterLimitsCompiler.compile(
            Cluster.newBuilder().setRetryBudget(RetryBudget.getDefaultInstance()).build());
    assertThat(limits.retryBudget()).isEqualTo(new ClusterLimits.RetryBudget(20, 3));
    // 20% of 100 requests in flight; never fewer than 3.
    assertThat(limits.retryBudget().allowed(100)).isEqualTo(20);
    assertThat(limits.retryBudget().allowed(4)).isEqualTo(3);
  }

  @Test
  void hugeUnsignedValuesAreHeldAtIntMax() {
    ClusterLimits limits =
        ClusterLimitsCompiler.compile(
            Cluster.newBuilder()
                .setCircuitBreaker(CircuitBreaker.newBuilder().setMaxRequests(-1))
                .build());
    assertThat(limits.maxRequests()).isEqualTo(Integer.MAX_VALUE);
  }
}
