package dev.weir.dataplane.lb;

import java.util.List;

/**
 * Checks and shrinks endpoint weights for balancers that expand them into a table (a round-robin
 * schedule, a hash ring). Stateless.
 */
final class Weights {

  private Weights() {}

  /**
   * {@code weights} as an array, each checked to be ≥ 1.
   *
   * @throws IllegalArgumentException when the sizes differ or a weight is below 1
   */
  static long[] of(List<?> endpoints, List<Long> weights) {
    if (endpoints.size() != weights.size()) {
      throw new IllegalArgumentException("need one weight per endpoint");
    }
    long[] out = new long[weights.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = weights.get(i);
      if (out[i] < 1) {
        throw new IllegalArgumentException("weight below 1: " + out[i]);
      }
    }
    return out;
  }

  /**
   * Each weight times {@code unit}, scaled down (each kept ≥ 1) when the sum would pass {@code
   * max}.
   */
  static long[] expanded(long[] weights, long unit, long max) {
    long sum = 0;
    for (long w : weights) {
      sum = saturatedAdd(sum, saturatedMultiply(w, unit));
    }
    long[] out = new long[weights.length];
    for (int i = 0; i < out.length; i++) {
      long w = saturatedMultiply(weights[i], unit);
      // w / sum * max, in floating point: both may be near Long.MAX_VALUE.
      out[i] = sum <= max ? w : Math.max(1, (long) ((double) w / sum * max));
    }
    return out;
  }

  /** The weights divided by their greatest common divisor: 2,4,6 becomes 1,2,3. */
  static long[] reduced(long[] weights) {
    long g = 0;
    for (long w : weights) {
      g = gcd(g, w);
    }
    long[] out = weights.clone();
    for (int i = 0; g > 1 && i < out.length; i++) {
      out[i] /= g;
    }
    return out;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    return high == 0 && a * b >= 0 ? a * b : Long.MAX_VALUE;
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }
}
