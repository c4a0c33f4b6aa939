package dev.weir.dataplane.upstream;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What is in flight to one cluster across the whole data plane, checked against its {@link
 * ClusterLimits} (Envoy's circuit breakers): upstream connections open, requests waiting for a
 * connection, requests and retries in flight. Kept by cluster name in {@link ClusterLoads}, so a
 * snapshot swap that keeps the cluster keeps its counts, and new limits apply to the requests
 * already in flight.
 *
 * <p>Every {@code try*} that returns true must be matched by exactly one release; a limit of 0
 * means none, but the count is still kept (the retry budget reads the requests in flight).
 *
 * <p>Thread-safe and lock-free: counters are {@link AtomicInteger}s raised by compare-and-set, so
 * event loops never block each other. Requests waiting for a connection slot leave a wake-up here,
 * run on whichever loop frees a slot (the wake-up itself hops back to its own loop).
 */
public final class ClusterLoad {

  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  // Only raised when a connection opens, never per request.
  private final AtomicInteger peakConnections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
  // HTTP/1.1 connections of this cluster parked in a pool now, for the idle gauge.
  private final AtomicInteger idle = new AtomicInteger();
  private final ClusterMeters meters;

  /** A load whose meters count nowhere. */
  public ClusterLoad() {
    this(ClusterMeters.NONE);
  }

  ClusterLoad(ClusterMeters meters) {
    this.meters = meters;
  }

  /** The cluster's pool meters. */
  public ClusterMeters meters() {
    return meters;
  }

  /** A connection counted against this cluster was parked in a pool ({@code +1}) or left it. */
  void idleChanged(int delta) {
    idle.addAndGet(delta);
  }

  /** Connections counted against this cluster idle in a pool now. */
  public int idleConnections() {
    return idle.get();
  }

  /** Counts a request in flight unless {@code limit} (0 = none) is reached. */
  public boolean tryRequest(int limit) {
    return tryRaise(requests, limit);
  }

  /** A request admitted by {@link #tryRequest} ended. */
  public void requestDone() {
    requests.decrementAndGet();
  }

  /** Counts a request waiting for a connection unless {@code limit} (0 = none) is reached. */
  public boolean tryPending(int limit) {
    return tryRaise(pending, limit);
  }

  /** A request counted by {@link #tryPending} got its connection or ended. */
  public void pendingDone() {
    pending.decrementAndGet();
  }

  /**
   * Counts a retry in flight if both {@code limits.maxRetries()} and the retry budget allow it:
   * with this retry, retries in flight stay within the budget's share of the requests in flight.
   */
  public boolean tryRetry(ClusterLimits limits) {
    ClusterLimits.RetryBudget budget = limits.retryBudget();
    int max = limits.maxRetries();
    if (budget != null) {
      int allowed = budget.allowed(requests.get());
      max = max == 0 ? allowed : Math.min(max, allowed);
      if (max == 0) {
        return false;
      }
    }
    return tryRaise(retries, max);
  }

  /** A retry counted by {@link #tryRetry} ended. */
  public void retryDone() {
    retries.decrementAndGet();
  }

  /** Counts a new upstream connection unless {@code limit} (0 = none) is reached. */
  boolean tryConnection(int limit) {
    if (!tryRaise(connections, limit)) {
      return false;
    }
    peakConnections.accumulateAndGet(connections.get(), Math::max);
    return true;
  }

  /** A connection counted by {@link #tryConnection} closed: one waiting request may try again. */
  void connectionClosed() {
    connections.decrementAndGet();
    wakeOne();
  }

  /**
   * Leaves {@code wakeUp} to run (on any thread) when a connection slot may have been freed. Also
   * run at once when a slot is free already, so a slot freed just before this call is not missed.
   */
  public void awaitConnection(Runnable wakeUp, int limit) {
    waiters.add(wakeUp);
    if (limit == 0 || connections.get() < limit) {
      wakeOne();
    }
  }

  /** Withdraws a wake-up left by {@link #awaitConnection}; the request ended first. */
  public void cancelWait(Runnable wakeUp) {
    waiters.remove(wakeUp);
  }

  /** Runs one waiting request's wake-up, if any: a connection of the cluster went idle. */
  public void wakeWaiter() {
    wakeOne();
  }

  private void wakeOne() {
    Runnable w = waiters.poll();
    if (w != null) {
      w.run();
    }
  }

  /** Upstream connections open now. */
  public int connections() {
    return connections.get();
  }

  /** The most upstream connections this cluster had open at once; for tests and metrics. */
  public int peakConnections() {
    return peakConnections.get();
  }

  /** Requests waiting for a connection now. */
  public int pending() {
    return pending.get();
  }

  /** Requests in flight now. */
  public int requests() {
    return requests.get();
  }

  /** Retries in flight now. */
  public int retries() {
    return retries.get();
  }

  private static boolean tryRaise(AtomicInteger counter, int limit) {
    if (limit == 0) {
      counter.incrementAndGet();
      return true;
    }
    for (int n = counter.get(); n < limit; n = counter.get()) {
      if (counter.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "connections="
        + connections
        + " pending="
        + pending
        + " requests="
        + requests
        + " retries="
        + retries;
  }
}
