package dev.weir.dataplane.config;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter for reconnecting to the controller: the n-th delay is drawn
 * uniformly from {@code [0, min(max, initial * 2^n))}, so a fleet of pods that lost the controller
 * together does not reconnect in lock step (the "full jitter" scheme of the AWS architecture blog,
 * "Exponential Backoff And Jitter", 2015).
 *
 * <p>Not thread-safe: owned by the config client's single thread.
 */
public final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private int attempts;

  /**
   * @param initial the ceiling of the first delay
   * @param max the largest ceiling a delay can grow to
   * @param random values in {@code [0, 1)}; injected so that tests are deterministic
   */
  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The data plane's default: 100 ms doubling to 10 s. */
  public static Backoff defaults() {
    return new Backoff(
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The delay before the next attempt; each call doubles the ceiling until it reaches the max. */
  public Duration next() {
    long ceiling = ceilingNanos(attempts);
    if (attempts < Integer.MAX_VALUE) {
      attempts++;
    }
    double r = random.getAsDouble();
    if (r < 0 || r >= 1) {
      throw new IllegalStateException("random value out of [0, 1): " + r);
    }
    return Duration.ofNanos((long) (ceiling * r));
  }

  /** Starts over from the initial ceiling; called after a healthy connection. */
  public void reset() {
    attempts = 0;
  }

  /** How many delays were handed out since the last reset. */
  public int attempts() {
    return attempts;
  }

  private long ceilingNanos(int n) {
    // Shifting by 62 or more would overflow; by then the ceiling is long past any sane max.
    if (n >= 62 || initialNanos > (maxNanos >> n)) {
      return maxNanos;
    }
    return Math.min(maxNanos, initialNanos << n);
  }
}
