package dev.weir.controller.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the data plane reaches a cluster's endpoints, from a BackendPolicy (weir.dev/v1alpha1);
 * mirrors {@code weir.config.v1.Cluster} fields 7–14. A null block keeps the data plane's default;
 * inside a block, 0 and {@link Duration#ZERO} mean the default the protocol documents. Immutable.
 *
 * @param loadBalancing how an endpoint is picked, or null (round robin)
 * @param sessionPersistence sticky sessions, or null
 * @param healthCheck active health checks, or null
 * @param outlierDetection passive health, or null
 * @param circuitBreaker fail-fast limits, or null
 * @param connectionPool connection reuse, or null
 * @param readTimeout longest wait between two reads of a response; ZERO = no limit
 * @param retryBudget the cap on retries, or null
 */
public record BackendSettings(
    LoadBalancing loadBalancing,
    SessionPersistence sessionPersistence,
    HealthCheck healthCheck,
    OutlierDetection outlierDetection,
    CircuitBreaker circuitBreaker,
    ConnectionPool connectionPool,
    Duration readTimeout,
    RetryBudget retryBudget) {

  /** No policy: every default. */
  public static final BackendSettings NONE =
      new BackendSettings(null, null, null, null, null, null, Duration.ZERO, null);

  public BackendSettings {
    Objects.requireNonNull(readTimeout, "readTimeout");
  }

  /** Load-balancing algorithms; mirror {@code LoadBalancing.Algorithm}. */
  public enum Algorithm {
    ROUND_ROBIN,
    LEAST_REQUEST,
    RANDOM,
    RING_HASH,
    MAGLEV
  }

  /** What a consistent hash is computed from; mirrors {@code HashKey}. */
  public sealed interface HashKey {
    /** A request header's value. */
    record Header(String name) implements HashKey {}

    /** A request cookie's value. */
    record Cookie(String name) implements HashKey {}

    /** The client's IP address. */
    record SourceIp() implements HashKey {}
  }

  /**
   * @param hashKey what RING_HASH and MAGLEV hash, or null for the other algorithms
   * @param tableSize ring points per weight or Maglev table size; 0 = default
   */
  public record LoadBalancing(Algorithm algorithm, HashKey hashKey, int tableSize) {
    public LoadBalancing {
      Objects.requireNonNull(algorithm, "algorithm");
    }
  }

  /**
   * @param cookie true: a cookie named {@code name}; false: a header
   * @param ttl the cookie's lifetime; ZERO = a session cookie
   */
  public record SessionPersistence(boolean cookie, String name, Duration ttl) {}

  /** Health-check kinds. */
  public enum CheckKind {
    HTTP,
    TCP,
    GRPC
  }

  /** An inclusive range of HTTP status codes. */
  public record StatusRange(int start, int end) {}

  /**
   * @param path HTTP: the request path, "" = "/"
   * @param host HTTP: the Host header, "" = the endpoint's address
   * @param expectedStatuses HTTP: healthy statuses; empty = 200-399
   * @param grpcService GRPC: the service asked about, "" = the whole server
   */
  public record HealthCheck(
      CheckKind kind,
      String path,
      String host,
      List<StatusRange> expectedStatuses,
      String grpcService,
      Duration interval,
      Duration timeout,
      int healthyThreshold,
      int unhealthyThreshold) {
    public HealthCheck {
      expectedStatuses = List.copyOf(expectedStatuses);
    }
  }

  /** Passive outlier detection; 0 / ZERO fields take the protocol's defaults. */
  public record OutlierDetection(
      int consecutive5xx,
      int consecutiveConnectFailures,
      Duration baseEjection,
      int maxEjectionPercent) {}

  /** Fail-fast limits; 0 = no limit. */
  public record CircuitBreaker(
      int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {}

  /** Connection reuse; 0 / ZERO fields take the data plane's defaults. */
  public record ConnectionPool(
      int maxIdleConnections, Duration idleTimeout, int maxRequestsPerConnection) {}

  /**
   * The retry budget.
   *
   * @param budgetPercent 0 takes the protocol's default
   * @param minRetryConcurrency null takes the protocol's default; 0 is no floor
   */
  public record RetryBudget(int budgetPercent, Integer minRetryConcurrency) {}
}
