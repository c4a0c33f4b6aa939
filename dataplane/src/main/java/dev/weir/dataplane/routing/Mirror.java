package dev.weir.dataplane.routing;

import dev.weir.dataplane.upstream.UpstreamCluster;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request mirror of a route (Gateway API RequestMirror): a share {@code numerator /
 * denominator} of forwarded requests is also sent to {@code cluster}, fire-and-forget. Immutable;
 * any thread.
 *
 * @param cluster the mirror's cluster, of the same snapshot
 * @param numerator the mirrored share's numerator, at most {@code denominator}
 * @param denominator the share's denominator, &gt; 0
 */
public record Mirror(UpstreamCluster cluster, long numerator, long denominator) {

  public Mirror {
    Objects.requireNonNull(cluster, "cluster");
    if (denominator <= 0 || numerator < 0 || numerator > denominator) {
      throw new IllegalArgumentException("need 0 <= numerator <= denominator, denominator > 0");
    }
  }

  /** Whether this request is mirrored: one random number, no allocation. */
  public boolean sample() {
    if (numerator == denominator) {
      return true;
    }
    return numerator > 0 && sample(ThreadLocalRandom.current().nextLong(denominator));
  }

  /** Whether a request drawing {@code r} in {@code [0, denominator)} is mirrored. */
  boolean sample(long r) {
    return r < numerator;
  }

  @Override
  public String toString() {
    return cluster.name() + (numerator == denominator ? "" : " " + numerator + "/" + denominator);
  }
}
