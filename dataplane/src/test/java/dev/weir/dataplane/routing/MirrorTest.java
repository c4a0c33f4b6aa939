package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dataplane.lb.RoundRobinBalancer;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorTest {

  private static final UpstreamCluster CLUSTER =
      new UpstreamCluster(
          "m", List.of(), new RoundRobinBalancer<UpstreamEndpoint>(List.of()), 1000, 1000, false);

  @Test
  void sampledShareLandsWithinToleranceOfTheFraction() {
    Mirror m = new Mirror(CLUSTER, 1, 4);
    int n = 100_000;
    int hits = 0;
    for (int i = 0; i < n; i++) {
      if (m.sample()) {
        hits++;
      }
    }
    // Binomial sd = sqrt(n p (1-p)) ≈ 137; 1000 is over 7 sd, so this fails only on a real bias.
    assertThat(hits).isBetween(n / 4 - 1000, n / 4 + 1000);
  }

  @Test
  void intervalEdgesAndTheExtremesAreExact() {
    Mirror half = new Mirror(CLUSTER, 50, 100);
    assertThat(half.sample(49)).isTrue();
    assertThat(half.sample(50)).isFalse();
    Mirror all = new Mirror(CLUSTER, 7, 7);
    Mirror none = new Mirror(CLUSTER, 0, 100);
    for (int i = 0; i < 1000; i++) {
      assertThat(all.sample()).isTrue();
      assertThat(none.sample()).isFalse();
    }
  }

  @Test
  void shareAboveOneOrZeroDenominatorIsRejected() {
    assertThatThrownBy(() -> new Mirror(CLUSTER, 2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Mirror(CLUSTER, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
