package dev.weir.controller.leader;

import java.time.Duration;
import java.util.Objects;

/**
 * How this replica takes part in leader election, on a {@code coordination.k8s.io/v1} Lease. The
 * timings mean what they mean in client-go's {@code leaderelection} package: a holder that has not
 * renewed for {@code leaseDuration} may be replaced; the holder gives up when it could not renew
 * for {@code renewDeadline}; every replica retries every {@code retryPeriod}.
 *
 * @param namespace the Lease's namespace
 * @param leaseName the Lease's name
 * @param identity this replica's identity, written as the Lease's holder
 * @param leaseDuration how long a Lease holds without renewal
 * @param renewDeadline how long the leader keeps trying to renew before it stops leading
 * @param retryPeriod the pause between attempts to acquire or renew
 */
public record LeaderElectionSettings(
    String namespace,
    String leaseName,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public LeaderElectionSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    // client-go's rules: the holder must give up before others may take over, and retry in time.
    if (retryPeriod.isZero() || retryPeriod.isNegative()) {
      throw new IllegalArgumentException("the retry period must be positive");
    }
    // fabric8 (like client-go) wants room for one jittered retry (1.2 × the period) per deadline.
    if (renewDeadline.toMillis() <= retryPeriod.toMillis() * 12 / 10) {
      throw new IllegalArgumentException("the renew deadline must exceed 1.2 × the retry period");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("the lease duration must exceed the renew deadline");
    }
  }
}
