package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final double ALMOST_ONE = Math.nextDown(1.0);

  @Test
  void ceilingDoublesFromInitialUpToMax() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> ALMOST_ONE);

    long[] millis = new long[10];
    for (int i = 0; i < millis.length; i++) {
      millis[i] = backoff.next().toMillis();
    }

    // Just under the ceiling each time: 100, 200, 400, ... capped at 10 s.
    assertThat(millis).containsExactly(99, 199, 399, 799, 1599, 3199, 6399, 9999, 9999, 9999);
    assertThat(backoff.attempts()).isEqualTo(10);
  }

  @Test
  void fullJitterDrawsFromZeroToCeiling() {
    Backoff zero = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0);
    Backoff half = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.5);

    assertThat(zero.next()).isZero();
    assertThat(half.next()).isEqualTo(Duration.ofMillis(50));
    assertThat(half.next()).isEqualTo(Duration.ofMillis(100));
    assertThat(half.next()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void resetStartsOverFromInitial() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.5);
    for (int i = 0; i < 5; i++) {
      backoff.next();
    }

    backoff.reset();

    assertThat(backoff.attempts()).isZero();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void manyAttemptsNeverOverflowPastMax() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> ALMOST_ONE);
    Duration last = Duration.ZERO;
    for (int i = 0; i < 200; i++) {
      last = backoff.next();
      assertThat(last).isBetween(Duration.ZERO, Duration.ofSeconds(10));
    }
    assertThat(last).isGreaterThan(Duration.ofMillis(9_999));
  }

  @Test
  void defaultsStayWithinTenSeconds() {
    Backoff backoff = Backoff.defaults();
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.next()).isBetween(Duration.ZERO, Duration.ofSeconds(10));
    }
  }

  @Test
  void badBoundsAreRejected() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), () -> 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
