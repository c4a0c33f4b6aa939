package dev.weir.controller.translate;

import dev.weir.controller.crd.BackendPolicySpec;
import dev.weir.controller.crd.BackendPolicySpec.HashOn;
import dev.weir.controller.crd.HealthCheckSpec;
import dev.weir.controller.model.BackendSettings;
import dev.weir.controller.model.BackendSettings.Algorithm;
import dev.weir.controller.model.BackendSettings.HashKey;
import dev.weir.controller.model.BackendSettings.StatusRange;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a BackendPolicy spec and turns it into {@link BackendSettings}. The CRD schema already
 * bounds most fields, but local mode and old API servers skip it, so every rule is checked again
 * here, plus the rules a schema cannot say: RingHash and Maglev need exactly one hash key, a Maglev
 * table size is prime, durations fit the protocol's uint32 milliseconds, and the idle timeout is
 * not given twice with two values. Stateless.
 */
final class BackendPolicyValidator {

  /** Why a policy is not usable: the message of its {@code Accepted=False, Invalid} condition. */
  static final class InvalidPolicy extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidPolicy(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A usable policy.
   *
   * @param settings the cluster settings
   * @param connectTimeout {@code spec.timeouts.connect}, or null to keep the controller's default
   */
  record Checked(BackendSettings settings, Duration connectTimeout) {}

  private BackendPolicyValidator() {}

  static Checked check(BackendPolicySpec spec) throws InvalidPolicy {
    BackendPolicySpec.Timeouts t = spec.timeouts;
    Duration connect = t == null ? null : duration("timeouts.connect", t.connect, null);
    Duration read = t == null ? Duration.ZERO : duration("timeouts.read", t.read, Duration.ZERO);
    Duration idle = t == null ? Duration.ZERO : duration("timeouts.idle", t.idle, Duration.ZERO);
    return new Checked(
        new BackendSettings(
            loadBalancing(spec.loadBalancer),
            sessionPersistence(spec.sessionPersistence),
            healthCheck(spec.healthCheck),
            outlierDetection(spec.outlierDetection),
            circuitBreaker(spec.circuitBreaker),
            connectionPool(spec.connectionPool, idle),
            read,
            retryBudget(spec.retryBudget)),
        connect);
  }

  private static BackendSettings.LoadBalancing loadBalancing(BackendPolicySpec.LoadBalancer lb)
      throws InvalidPolicy {
    if (lb == null) {
      return null;
    }
    Algorithm algorithm =
        switch (Objects.requireNonNullElse(lb.type, BackendPolicySpec.Algorithm.RoundRobin)) {
          case RoundRobin -> Algorithm.ROUND_ROBIN;
          case LeastRequest -> Algorithm.LEAST_REQUEST;
          case Random -> Algorithm.RANDOM;
          case RingHash -> Algorithm.RING_HASH;
          case Maglev -> Algorithm.MAGLEV;
        };
    boolean hashing = algorithm == Algorithm.RING_HASH || algorithm == Algorithm.MAGLEV;
    HashKey key = hashing ? hashKey(lb.type, lb.hashOn) : null;
    int tableSize = positive("loadBalancer.tableSize", lb.tableSize);
    if (algorithm == Algorithm.MAGLEV
        && tableSize > 0
        && !BigInteger.valueOf(tableSize).isProbablePrime(30)) {
      throw new InvalidPolicy("loadBalancer.tableSize must be a prime for Maglev");
    }
    return new BackendSettings.LoadBalancing(algorithm, key, tableSize);
  }

  private static HashKey hashKey(BackendPolicySpec.Algorithm type, HashOn on) throws InvalidPolicy {
    List<HashKey> keys = new ArrayList<>();
    if (on != null && on.header != null && !on.header.isEmpty()) {
      keys.add(new HashKey.Header(on.header));
    }
    if (on != null && on.cookie != null && !on.cookie.isEmpty()) {
      keys.add(new HashKey.Cookie(on.cookie));
    }
    if (on != null && Boolean.TRUE.equals(on.sourceIP)) {
      keys.add(new HashKey.SourceIp());
    }
    if (keys.size() != 1) {
      throw new InvalidPolicy(
          "loadBalancer.type "
              + type
              + " needs exactly one of hashOn.header, hashOn.cookie and hashOn.sourceIP");
    }
    return keys.getFirst();
  }

  private static BackendSettings.SessionPersistence sessionPersistence(
      BackendPolicySpec.SessionPersistence sp) throws InvalidPolicy {
    if (sp == null) {
      return null;
    }
    if (sp.name == null || sp.name.isEmpty()) {
      throw new InvalidPolicy("sessionPersistence.name is required");
    }
    return new BackendSettings.SessionPersistence(
        sp.type != BackendPolicySpec.PersistenceType.Header,
        sp.name,
        duration("sessionPersistence.absoluteTimeout", sp.absoluteTimeout, Duration.ZERO));
  }

  private static BackendSettings.HealthCheck healthCheck(HealthCheckSpec hc) throws InvalidPolicy {
    if (hc == null) {
      return null;
    }
    if (hc.type == null) {
      throw new InvalidPolicy("healthCheck.type is required");
    }
    HealthCheckSpec.Http http = hc.type == HealthCheckSpec.Type.HTTP ? hc.http : null;
    List<StatusRange> statuses = new ArrayList<>();
    for (String s :
        http == null || http.expectedStatuses == null ? List.<String>of() : http.expectedStatuses) {
      statuses.add(statusRange(s));
    }
    return new BackendSettings.HealthCheck(
        BackendSettings.CheckKind.valueOf(hc.type.name()),
        http == null ? "" : Objects.requireNonNullElse(http.path, ""),
        http == null ? "" : Objects.requireNonNullElse(http.hostname, ""),
        statuses,
        hc.type == HealthCheckSpec.Type.GRPC && hc.grpc != null
            ? Objects.requireNonNullElse(hc.grpc.service, "")
            : "",
        duration("healthCheck.interval", hc.interval, Duration.ZERO),
        duration("healthCheck.timeout", hc.timeout, Duration.ZERO),
        positive("healthCheck.healthyThreshold", hc.healthyThreshold),
        positive("healthCheck.unhealthyThreshold", hc.unhealthyThreshold));
  }

  /** "200" or "200-299", within 100-599 (RFC 9110 §15). */
  private static StatusRange statusRange(String s) throws InvalidPolicy {
    String text = Objects.requireNonNullElse(s, "");
    int dash = text.indexOf('-');
    try {
      int start = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
      int end = dash < 0 ? start : Integer.parseInt(text.substring(dash + 1));
      if (start >= 100 && end <= 599 && start <= end) {
        return new StatusRange(start, end);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidPolicy(
        "healthCheck.http.expectedStatuses: \"" + text + "\" is not a status or range in 100-599");
  }

  private static BackendSettings.OutlierDetection outlierDetection(
      BackendPolicySpec.OutlierDetection od) throws InvalidPolicy {
    if (od == null) {
      return null;
    }
    return new BackendSettings.OutlierDetection(
        positive("outlierDetection.consecutive5xx", od.consecutive5xx),
        positive("outlierDetection.consecutiveConnectFailures", od.consecutiveConnectFailures),
        duration("outlierDetection.baseEjectionTime", od.baseEjectionTime, Duration.ZERO),
        percent("outlierDetection.maxEjectionPercent", od.maxEjectionPercent));
  }

  private static BackendSettings.CircuitBreaker circuitBreaker(BackendPolicySpec.CircuitBreaker cb)
      throws InvalidPolicy {
    if (cb == null) {
      return null;
    }
    return new BackendSettings.CircuitBreaker(
        positive("circuitBreaker.maxConnections", cb.maxConnections),
        positive("circuitBreaker.maxPendingRequests", cb.maxPendingRequests),
        positive("circuitBreaker.maxRequests", cb.maxRequests),
        positive("circuitBreaker.maxRetries", cb.maxRetries));
  }

  /** {@code connectionPool}, with {@code timeouts.idle} as its idle timeout when it has none. */
  private static BackendSettings.ConnectionPool connectionPool(
      BackendPolicySpec.ConnectionPool cp, Duration idle) throws InvalidPolicy {
    if (cp == null) {
      return idle.isZero() ? null : new BackendSettings.ConnectionPool(0, idle, 0);
    }
    Duration own = duration("connectionPool.idleTimeout", cp.idleTimeout, Duration.ZERO);
    if (!own.isZero() && !idle.isZero() && !own.equals(idle)) {
      throw new InvalidPolicy("connectionPool.idleTimeout and timeouts.idle differ; set one");
    }
    if (cp.maxIdleConnections != null && cp.maxIdleConnections < 1) {
      // 0 would read as "the data plane's default" on the wire: refuse it rather than mislead.
      throw new InvalidPolicy(
          "connectionPool.maxIdleConnections must be at least 1 (to keep none, set"
              + " maxRequestsPerConnection: 1)");
    }
    return new BackendSettings.ConnectionPool(
        Objects.requireNonNullElse(cp.maxIdleConnections, 0),
        own.isZero() ? idle : own,
        positive("connectionPool.maxRequestsPerConnection", cp.maxRequestsPerConnection));
  }

  private static BackendSettings.RetryBudget retryBudget(BackendPolicySpec.RetryBudget rb)
      throws InvalidPolicy {
    if (rb == null) {
      return null;
    }
    if (rb.minRetryConcurrency != null && rb.minRetryConcurrency < 0) {
      throw new InvalidPolicy("retryBudget.minRetryConcurrency must not be negative");
    }
    return new BackendSettings.RetryBudget(
        percent("retryBudget.budgetPercent", rb.budgetPercent), rb.minRetryConcurrency);
  }

  /** An optional count that must be at least 1 when set; 0 when unset (the default). */
  private static int positive(String field, Integer value) throws InvalidPolicy {
    if (value != null && value < 1) {
      throw new InvalidPolicy(field + " must be at least 1 when set, not " + value);
    }
    return value == null ? 0 : value;
  }

  private static int percent(String field, Integer value) throws InvalidPolicy {
    int v = positive(field, value);
    if (v > 100) {
      throw new InvalidPolicy(field + " must be at most 100, not " + v);
    }
    return v;
  }

  /** A GEP-2257 duration that fits the protocol's uint32 milliseconds, or {@code absent}. */
  private static Duration duration(String field, String text, Duration absent)
      throws InvalidPolicy {
    if (text == null) {
      return absent;
    }
    Duration d =
        Durations.parse(text)
            .orElseThrow(
                () ->
                    new InvalidPolicy(
                        field
                            + ": \""
                            + text
                            + "\" is not a duration such as \"5s\" or \"250ms\""));
    if (d.toMillis() > 0xFFFF_FFFFL) {
      throw new InvalidPolicy(field + ": " + text + " is too long");
    }
    return d;
  }
}
