package dev.weir.controller.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs fabric8's {@code LeaderElector} on a {@code coordination.k8s.io/v1} Lease and reports the
 * outcome to a {@link Leadership}.
 *
 * <p>fabric8's elector runs one round: it acquires the Lease (retrying every retry period), renews
 * it, and ends when a renewal fails for the renew deadline; an elector instance cannot be started
 * again ("may only be used once"). So when a round ends while this election is open, the replica
 * stands by and a new elector starts a new round after one retry period: a leader that lost the API
 * server for a while becomes a candidate again instead of exiting.
 *
 * <p>On {@link #close()} the round is cancelled, and fabric8 releases the Lease if this replica
 * holds it ({@code releaseOnCancel}), so that a standby takes over within one retry period instead
 * of waiting for the Lease to expire.
 *
 * <p>Threading: fabric8 calls back on the client's executor; rounds are started on this election's
 * own daemon thread. Lifecycle: {@link #start()} once, {@link #close()} once; thread-safe.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  private final KubernetesClient client;
  private final LeaderElectionSettings settings;
  private final Leadership leadership;
  private final ScheduledExecutorService rounds =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("weir-leader-election").unstarted(r));
  // Guarded by this.
  private CompletableFuture<?> round;
  private boolean closed;

  /**
   * @param client the API client (owned by the caller)
   * @param settings the Lease and the timings
   * @param leadership what is told of the outcome; its identity must be {@code settings.identity()}
   */
  public LeaderElection(
      KubernetesClient client, LeaderElectionSettings settings, Leadership leadership) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.leadership = Objects.requireNonNull(leadership, "leadership");
    if (!leadership.identity().equals(settings.identity())) {
      throw new IllegalArgumentException("the leadership and the settings name different ids");
    }
  }

  /** Starts the first round; returns at once. */
  public LeaderElection start() {
    log.info(
        "leader election: {} is a candidate for Lease {}/{}",
        settings.identity(),
        settings.namespace(),
        settings.leaseName());
    schedule(0);
    return this;
  }

  private void schedule(long delayMillis) {
    try {
      rounds.schedule(this::round, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("leader election closed; no new round");
    }
  }

  private synchronized void round() {
    if (closed) {
      return;
    }
    CompletableFuture<?> r =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName("weir-controller")
                    .withLock(
                        new LeaseLock(
                            settings.namespace(), settings.leaseName(), settings.identity()))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            leadership::startLeading,
                            leadership::stopLeading,
                            leadership::observeLeader))
                    .build())
            .build()
            .start();
    round = r;
    r.whenComplete((v, t) -> roundEnded(r, t));
  }

  private void roundEnded(CompletableFuture<?> r, Throwable failure) {
    // fabric8 calls onStopLeading only when the Lease still names us; make sure in every case.
    leadership.stopLeading();
    synchronized (this) {
      if (closed || r != round) {
        return;
      }
    }
    if (failure != null) {
      log.warn("leader election round failed: {}; trying again", failure.toString());
    } else {
      log.warn("leader election: could not renew the Lease in time; standing by");
    }
    schedule(settings.retryPeriod().toMillis());
  }

  /** Stops the election, releasing the Lease if this replica holds it. */
  @Override
  public void close() {
    CompletableFuture<?> r;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      r = round;
    }
    rounds.shutdownNow();
    if (r != null) {
      // fabric8 releases the Lease (releaseOnCancel) on this thread, then calls onStopLeading.
      r.cancel(true);
    }
    leadership.stopLeading();
  }
}
