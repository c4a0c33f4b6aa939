package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.upstream.ClusterLimits;
import dev.weir.dataplane.upstream.ClusterLoad;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ForwardExchange}'s place under its cluster's circuit breakers ({@link ClusterLimits},
 * counted in the cluster's {@link ClusterLoad}): the request in flight ({@code max_requests}), the
 * wait for a connection slot ({@code max_pending_requests}, {@code max_connections}) and the retry
 * in flight ({@code max_retries} and the retry budget). Each token is taken at most once and given
 * back exactly once, by {@link #release}, which the exchange calls on every way it ends.
 *
 * <p>A request that finds the cluster's connections all open waits as pending: its wake-up is left
 * with the load, an idle connection of the cluster on some loop is closed to free a slot, and the
 * wait ends with a connection, with the exchange, or after the cluster's connect timeout.
 *
 * <p>Accessed only from the exchange's event loop (wake-ups hop back to it). Holds no buffers.
 */
final class ClusterAdmission {

  private final String name;
  private final ClusterLoad load;
  private final ClusterLimits limits;
  private final long waitMillis;
  private boolean request;
  private boolean pending;
  private boolean retry;
  private boolean ended;
  private Runnable wakeUp;
  private ScheduledFuture<?> waitTimeout;

  /** For an exchange to {@code cluster} (null: no cluster, nothing is counted). */
  ClusterAdmission(UpstreamPool pool, UpstreamCluster cluster) {
    this.name = cluster == null ? "no cluster" : "cluster " + cluster.name();
    this.load = cluster == null ? null : pool.loads().of(cluster.name());
    this.limits = cluster == null ? ClusterLimits.NONE : cluster.limits();
    this.waitMillis = cluster == null ? 0 : cluster.connectTimeoutMillis();
  }

  /** The cluster's counts, or null without a cluster. */
  ClusterLoad load() {
    return load;
  }

  /**
   * The fail-fast error for the cluster's {@code limit}, answered 503 {@code x-weir-overloaded}.
   */
  ProxyError overloaded(String limit) {
    return ProxyError.upstream(ErrorKind.OVERLOADED, true, name + ": " + limit + " reached");
  }

  /** The cluster's limits. */
  ClusterLimits limits() {
    return limits;
  }

  /**
   * Wakes one request waiting for a connection of the cluster: a connection went idle. On this loop
   * it takes the connection; on another it gets it closed to open its own.
   */
  void wakeWaiter() {
    if (load != null) {
      load.wakeWaiter();
    }
  }

  /**
   * Counts the request in flight.
   *
   * @return false when the cluster's {@code max_requests} are in flight
   */
  boolean admitRequest() {
    if (load == null || request) {
      return true;
    }
    request = load.tryRequest(limits.maxRequests());
    return request;
  }

  /**
   * Counts the exchange's retries as one retry in flight, from its first retry to its end.
   *
   * @return false when {@code max_retries} or the retry budget allows no more
   */
  boolean admitRetry() {
    if (load == null || retry) {
      return true;
    }
    retry = load.tryRetry(limits);
    return retry;
  }

  /**
   * Waits for a connection slot: {@code retry} runs on {@code executor} when one may be free, or
   * {@code timeout} after the cluster's connect timeout (counted from the first wait).
   *
   * @return false when {@code max_pending_requests} already wait: the request is not queued
   */
  boolean awaitConnection(
      UpstreamPool pool, EventExecutor executor, Runnable retry, Runnable timeout) {
    if (load == null) {
      return false;
    }
    if (!pending) {
      if (!load.tryPending(limits.maxPendingRequests())) {
        return false;
      }
      pending = true;
      waitTimeout = executor.schedule(timeout, waitMillis, TimeUnit.MILLISECONDS);
    }
    Runnable w =
        () ->
            executor.execute(
                () -> {
                  if (!ended) {
                    wakeUp = null;
                    retry.run();
                  }
                });
    wakeUp = w;
    load.awaitConnection(w, limits.maxConnections());
    pool.evictIdle(load);
    return true;
  }

  /** The exchange got its connection: it no longer waits. */
  void connected() {
    stopWaiting();
  }

  /** Gives back every token; the exchange ended (completed, failed or aborted). Idempotent. */
  void release() {
    if (ended) {
      return;
    }
    ended = true;
    stopWaiting();
    if (request) {
      load.requestDone();
    }
    if (retry) {
      load.retryDone();
    }
  }

  private void stopWaiting() {
    if (wakeUp != null) {
      load.cancelWait(wakeUp);
      wakeUp = null;
    }
    AttemptTimer.cancel(waitTimeout);
    waitTimeout = null;
    if (pending) {
      pending = false;
      load.pendingDone();
    }
  }
}
