package dev.weir.dataplane.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The health of one endpoint of one cluster, fed by both sources: its active checker ({@link
 * #recordCheck}) and the proxy's exchanges (passive outlier detection, through {@link
 * ClusterHealth}). The endpoint is available when it is neither actively unhealthy nor ejected.
 *
 * <p>A new endpoint starts healthy, not (as in Envoy) unhealthy until its first check: a snapshot
 * that adds endpoints, say a scale-up, would otherwise send their share of traffic nowhere, or
 * trigger panic mode in a small cluster, for up to one check interval. A dead new endpoint costs at
 * most the failed connects it takes the checker or outlier detection to notice it, and a failed
 * connect is retried on another endpoint.
 *
 * <p>An ejection ends by time alone: {@link #ejected} compares the deadline with the clock on each
 * read, so no timer runs per ejection.
 *
 * <p>Thread-safety: {@link #recordCheck} is called only from the endpoint's checker's event loop (a
 * restarted checker runs on the same loop); passive reports come from any event loop and use
 * atomics; ejection decisions are made under the owning {@link ClusterHealth}'s lock. Every read
 * may come from any thread.
 */
public final class EndpointHealth {

  private final AtomicInteger consecutive5xx = new AtomicInteger();
  private final AtomicInteger consecutiveConnectFailures = new AtomicInteger();
  private volatile boolean activelyUnhealthy;
  private volatile boolean ejected;
  private volatile long ejectedUntilNanos;

  /** Ejections in a row, without a success in between; written under the cluster's lock. */
  private volatile int ejections;

  // Checker counters: only the checker's event loop touches them.
  private int checkSuccesses;
  private int checkFailures;

  /** Whether traffic may go here at {@code nowNanos}. */
  public boolean available(long nowNanos) {
    return !activelyUnhealthy && !ejected(nowNanos);
  }

  /** Whether the last active checks found the endpoint unhealthy. */
  public boolean activelyUnhealthy() {
    return activelyUnhealthy;
  }

  /** Whether an ejection is in force at {@code nowNanos}. */
  public boolean ejected(long nowNanos) {
    return ejected && nowNanos - ejectedUntilNanos < 0;
  }

  /** How many ejections in a row this endpoint has had (0 after a success past the last one). */
  public int ejections() {
    return ejections;
  }

  /**
   * Records one active check's result under {@code settings}' thresholds.
   *
   * @return whether the endpoint's active state changed (for a log line)
   */
  public boolean recordCheck(boolean healthy, HealthCheckSettings settings) {
    if (healthy) {
      checkFailures = 0;
      checkSuccesses++;
      if (activelyUnhealthy && checkSuccesses >= settings.healthyThreshold()) {
        activelyUnhealthy = false;
        return true;
      }
    } else {
      checkSuccesses = 0;
      checkFailures++;
      if (!activelyUnhealthy && checkFailures >= settings.unhealthyThreshold()) {
        activelyUnhealthy = true;
        return true;
      }
    }
    return false;
  }

  /**
   * Forgets the active checks' verdict and counters: the check was removed, so nothing would ever
   * clear an unhealthy mark; or it changed, so the counts no longer apply. Called from the
   * endpoint's checker loop.
   */
  void resetActive(boolean clearVerdict) {
    checkSuccesses = 0;
    checkFailures = 0;
    if (clearVerdict) {
      activelyUnhealthy = false;
    }
  }

  /**
   * A response that was not a 5xx, or a connect that succeeded into one: resets both consecutive
   * counters, and after an ejection has ended, the ejection multiplier. Writes only what is not
   * already zero, so the common path reads shared cache lines without dirtying them.
   */
  void recordSuccess(long nowNanos) {
    if (consecutive5xx.get() != 0) {
      consecutive5xx.set(0);
    }
    if (consecutiveConnectFailures.get() != 0) {
      consecutiveConnectFailures.set(0);
    }
    if (ejections != 0 && !ejected(nowNanos)) {
      ejections = 0;
    }
  }

  /** One more 5xx in a row; returns the run's length. */
  int record5xx() {
    return consecutive5xx.incrementAndGet();
  }

  /** One more connect failure in a row; returns the run's length. */
  int recordConnectFailure() {
    return consecutiveConnectFailures.incrementAndGet();
  }

  /** Clears the runs, so the next ejection needs a full run again. Under the cluster's lock. */
  void clearRuns() {
    consecutive5xx.set(0);
    consecutiveConnectFailures.set(0);
  }

  /**
   * Ejects until {@code base × n} from {@code nowNanos}, where n counts this ejection among the
   * ones in a row. Under the cluster's lock.
   *
   * @return the ejection's length in milliseconds
   */
  long eject(long nowNanos, long baseMillis) {
    int n = ejections + 1;
    ejections = n;
    long millis = baseMillis * n;
    ejectedUntilNanos = nowNanos + millis * 1_000_000L;
    ejected = true;
    clearRuns();
    return millis;
  }

  /** {@code "healthy"}, {@code "unhealthy"} or {@code "ejected for N ms"}, for the admin dump. */
  public String describe(long nowNanos) {
    if (activelyUnhealthy) {
      return "unhealthy";
    }
    if (ejected(nowNanos)) {
      return "ejected for " + (ejectedUntilNanos - nowNanos) / 1_000_000 + " ms";
    }
    return "healthy";
  }
}
