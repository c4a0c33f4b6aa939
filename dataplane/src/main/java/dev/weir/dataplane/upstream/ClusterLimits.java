package dev.weir.dataplane.upstream;

/**
 * A cluster's BackendPolicy limits in runtime form (snapshot {@code Cluster} fields 11 to 14):
 * circuit breaking, connection-pool settings, the read timeout and the retry budget. Compiled once
 * per snapshot ({@code ClusterLimitsCompiler}); immutable, any thread. The counters these limits
 * are checked against live in {@link ClusterLoad}, which outlives snapshots.
 *
 * @param maxConnections upstream connections open to the cluster, per data plane; 0 = no limit
 * @param maxPendingRequests requests waiting for a connection; 0 = no limit
 * @param maxRequests requests in flight; 0 = no limit
 * @param maxRetries retries in flight; 0 = no limit
 * @param maxIdleConnections idle connections kept per endpoint and event loop; 0 = the data plane's
 *     default
 * @param idleTimeoutMillis an idle connection is closed after this; 0 = the data plane's default
 * @param maxRequestsPerConnection a connection carries at most this many exchanges; 0 = no limit
 * @param readTimeoutMillis longest gap between two reads of a response once its head arrived; 0 =
 *     no limit
 * @param retryBudget caps retries by the cluster's load, or null for no cap
 */
public record ClusterLimits(
    int maxConnections,
    int maxPendingRequests,
    int maxRequests,
    int maxRetries,
    int maxIdleConnections,
    long idleTimeoutMillis,
    int maxRequestsPerConnection,
    long readTimeoutMillis,
    RetryBudget retryBudget) {

  /** No BackendPolicy: no limits, the data plane's pool defaults, no read timeout, no budget. */
  public static final ClusterLimits NONE = new ClusterLimits(0, 0, 0, 0, 0, 0, 0, 0, null);

  public ClusterLimits {
    if (maxConnections < 0
        || maxPendingRequests < 0
        || maxRequests < 0
        || maxRetries < 0
        || maxIdleConnections < 0
        || idleTimeoutMillis < 0
        || maxRequestsPerConnection < 0
        || readTimeoutMillis < 0) {
      throw new IllegalArgumentException("limits must be >= 0");
    }
  }

  /**
   * Envoy's retry budget: retries in flight may reach {@code percent}% of the cluster's requests in
   * flight, and at least {@code minConcurrency}.
   *
   * @param percent share of the requests in flight, in percent
   * @param minConcurrency retries in flight always allowed
   */
  public record RetryBudget(int percent, int minConcurrency) {

    public RetryBudget {
      if (percent < 0 || minConcurrency < 0) {
        throw new IllegalArgumentException("retry budget must be >= 0");
      }
    }

    /** The retries that may be in flight while {@code requests} requests are. */
    public int allowed(int requests) {
      return Math.max(minConcurrency, (int) ((long) requests * percent / 100));
    }
  }
}
