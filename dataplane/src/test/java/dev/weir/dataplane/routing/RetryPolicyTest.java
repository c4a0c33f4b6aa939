package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static RetryPolicy policy(int attempts, int... codes) {
    BitSet set = new BitSet();
    for (int c : codes) {
      set.set(c);
    }
    return new RetryPolicy(attempts, set, 0);
  }

  @Test
  void listedStatusesAndConnectionFailuresAreRetriedWhileAttemptsRemain() {
    RetryPolicy p = policy(3, 503);
    assertThat(p.shouldRetry(1, 503, false, false)).isTrue();
    assertThat(p.shouldRetry(2, 503, false, false)).isTrue();
    assertThat(p.shouldRetry(3, 503, false, false)).isFalse();
    assertThat(p.shouldRetry(1, 0, false, false)).isTrue();
    assertThat(p.shouldRetry(1, 500, false, false)).isFalse();
    assertThat(p.shouldRetry(1, 200, false, false)).isFalse();
  }

  @Test
  void aSentBodyOrAStartedResponseIsNeverRetried() {
    RetryPolicy p = policy(5, 502);
    assertThat(p.shouldRetry(1, 502, true, false)).isFalse();
    assertThat(p.shouldRetry(1, 0, false, true)).isFalse();
  }

  @Test
  void oneAttemptOrNoneMeansNoRetry() {
    assertThat(RetryPolicy.NONE.enabled()).isFalse();
    assertThat(RetryPolicy.NONE.shouldRetry(1, 0, false, false)).isFalse();
    assertThat(policy(2).enabled()).isTrue();
  }

  @Test
  void codesAreCopied() {
    BitSet set = new BitSet();
    RetryPolicy p = new RetryPolicy(2, set, 0);
    set.set(503);
    assertThat(p.retriesStatus(503)).isFalse();
  }
}
