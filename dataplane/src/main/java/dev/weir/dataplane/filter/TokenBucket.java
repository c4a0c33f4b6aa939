package dev.weir.dataplane.filter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket kept as one {@code long}: the theoretical arrival time of the GCRA
 * (ITU-T I.371 generic cell rate algorithm), which is a token bucket refilled continuously at one
 * token per {@code emissionNanos} with room for {@code capacity} tokens. Taking a token is one CAS;
 * the number of tokens left and the wait for the next one follow from the same value.
 *
 * <p>Thread-safe: any thread may take tokens concurrently.
 */
final class TokenBucket {

  private final long emissionNanos;
  private final long capacityNanos;
  // The time at which the bucket would be full again: tokens left = (now + capacity - tat) / T.
  private final AtomicLong tat;
  private volatile long lastUsedNanos;

  /**
   * @param emissionNanos nanoseconds per token, at least 1
   * @param capacity tokens the bucket holds, at least 1
   * @param nowNanos the current time; the bucket starts full
   */
  TokenBucket(long emissionNanos, long capacity, long nowNanos) {
    this.emissionNanos = Math.max(1, emissionNanos);
    // Saturate: a bucket of billions of slow tokens is effectively unlimited.
    this.capacityNanos =
        capacity > Long.MAX_VALUE / 4 / this.emissionNanos
            ? Long.MAX_VALUE / 4
            : capacity * this.emissionNanos;
    this.tat = new AtomicLong(nowNanos);
    this.lastUsedNanos = nowNanos;
  }

  /**
   * Takes one token if there is one.
   *
   * @return the tokens left after taking one (&gt;= 0), or, when none was left, minus the
   *     nanoseconds until the next token (&lt; 0)
   */
  long take(long nowNanos) {
    lastUsedNanos = nowNanos;
    while (true) {
      long current = tat.get();
      // Differences of nanoTime values, never comparisons of raw values (they may wrap).
      long base = current - nowNanos > 0 ? current : nowNanos;
      long next = base + emissionNanos;
      long ahead = next - nowNanos;
      if (ahead > capacityNanos) {
        return -Math.max(1, ahead - capacityNanos);
      }
      if (tat.compareAndSet(current, next)) {
        return (capacityNanos - ahead) / emissionNanos;
      }
    }
  }

  /** Whether the bucket is full at {@code nowNanos}: dropping it then changes nothing. */
  boolean full(long nowNanos) {
    return tat.get() - nowNanos <= 0;
  }

  /** When a token was last asked for. */
  long lastUsedNanos() {
    return lastUsedNanos;
  }
}
