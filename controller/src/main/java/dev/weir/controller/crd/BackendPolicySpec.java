package dev.weir.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The spec of a {@link BackendPolicy}. Every block is optional; an unset block keeps the data
 * plane's default, as the snapshot protocol's {@code Cluster} fields 7–14 describe. Plain Jackson
 * beans.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackendPolicySpec {

  @JsonPropertyDescription("The Services (group \"\", kind Service) this policy applies to.")
  @Required
  @Size(min = 1, max = 16)
  public List<PolicyTargetRef> targetRefs = new ArrayList<>();

  @JsonPropertyDescription("How an endpoint is picked. Unset: round robin.")
  public LoadBalancer loadBalancer;

  @JsonPropertyDescription("Keeps a client on the endpoint it first reached (GEP-1619).")
  public SessionPersistence sessionPersistence;

  @JsonPropertyDescription("Active health checking of every endpoint.")
  public HealthCheckSpec healthCheck;

  @JsonPropertyDescription("Passive health: endpoints failing in a row are ejected for a while.")
  public OutlierDetection outlierDetection;

  @JsonPropertyDescription("Limits that fail fast (503) instead of queueing.")
  public CircuitBreaker circuitBreaker;

  @JsonPropertyDescription("Upstream connection reuse.")
  public ConnectionPool connectionPool;

  @JsonPropertyDescription("Upstream timeouts.")
  public Timeouts timeouts;

  @JsonPropertyDescription("Caps retries to these Services so they cannot amplify an overload.")
  public RetryBudget retryBudget;

  /** The load-balancing algorithms. */
  public enum Algorithm {
    RoundRobin,
    LeastRequest,
    Random,
    RingHash,
    Maglev
  }

  /** {@code spec.loadBalancer}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LoadBalancer {
    @JsonPropertyDescription(
        "RoundRobin (weighted), LeastRequest (power of two choices), Random, RingHash (Ketama) or"
            + " Maglev; the last two need hashOn.")
    @Default("RoundRobin")
    public Algorithm type;

    @JsonPropertyDescription("What RingHash and Maglev hash; exactly one field.")
    public HashOn hashOn;

    @JsonPropertyDescription(
        "RingHash: virtual nodes per unit of weight (default 160); Maglev: lookup-table size, a"
            + " prime (default 65537).")
    @Min(1)
    @Max(5000011)
    public Integer tableSize;
  }

  /** {@code spec.loadBalancer.hashOn}: one of header, cookie, sourceIP. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HashOn {
    @JsonPropertyDescription("A request header's name.")
    @Pattern(Patterns.HEADER_NAME)
    @Size(min = 1, max = 256)
    public String header;

    @JsonPropertyDescription("A request cookie's name.")
    @Size(min = 1, max = 256)
    public String cookie;

    @JsonPropertyDescription("Hash the client's IP address.")
    public Boolean sourceIP;
  }

  /** Session persistence kinds. */
  public enum PersistenceType {
    Cookie,
    Header
  }

  /** {@code spec.sessionPersistence}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SessionPersistence {
    @Default("Cookie")
    public PersistenceType type;

    @JsonPropertyDescription("The cookie's or header's name.")
    @Required
    @Size(min = 1, max = 128)
    public String name;

    @JsonPropertyDescription("Cookie lifetime; unset: a session cookie.")
    @Pattern(Patterns.DURATION)
    public String absoluteTimeout;
  }

  /** {@code spec.outlierDetection}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class OutlierDetection {
    @JsonPropertyDescription("Consecutive 5xx responses that eject an endpoint (default 5).")
    @Min(1)
    public Integer consecutive5xx;

    @JsonPropertyDescription("Consecutive connect failures that eject an endpoint (default 5).")
    @Min(1)
    public Integer consecutiveConnectFailures;

    @JsonPropertyDescription("First ejection length, growing with each ejection (default 30s).")
    @Pattern(Patterns.DURATION)
    public String baseEjectionTime;

    @JsonPropertyDescription("Largest share of endpoints ejected at once (default 10).")
    @Min(1)
    @Max(100)
    public Integer maxEjectionPercent;
  }

  /** {@code spec.circuitBreaker}; unset fields: no limit. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CircuitBreaker {
    @Min(1)
    public Integer maxConnections;

    @Min(1)
    public Integer maxPendingRequests;

    @Min(1)
    public Integer maxRequests;

    @Min(1)
    public Integer maxRetries;
  }

  /** {@code spec.connectionPool}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ConnectionPool {
    @JsonPropertyDescription(
        "Idle connections kept per endpoint and event loop, at least 1 (to keep none, set"
            + " maxRequestsPerConnection: 1).")
    @Min(1)
    public Integer maxIdleConnections;

    @JsonPropertyDescription("An idle connection is closed after this long.")
    @Pattern(Patterns.DURATION)
    public String idleTimeout;

    @JsonPropertyDescription("A connection is closed after this many requests.")
    @Min(1)
    public Integer maxRequestsPerConnection;
  }

  /** {@code spec.timeouts}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Timeouts {
    @JsonPropertyDescription("TCP (and TLS) connect timeout; unset: the controller's default.")
    @Pattern(Patterns.DURATION)
    public String connect;

    @JsonPropertyDescription("Longest wait between two reads of a response once its head arrived.")
    @Pattern(Patterns.DURATION)
    public String read;

    @JsonPropertyDescription("An idle upstream connection is closed after this long.")
    @Pattern(Patterns.DURATION)
    public String idle;
  }

  /** {@code spec.retryBudget}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RetryBudget {
    @JsonPropertyDescription("Retries may add at most this share of requests in flight (20).")
    @Min(1)
    @Max(100)
    public Integer budgetPercent;

    @JsonPropertyDescription("Retries always allowed in flight whatever the budget (3).")
    @Min(0)
    public Integer minRetryConcurrency;
  }
}
