package dev.weir.dataplane.lb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * A Ketama consistent-hash ring (libketama, 2007): each endpoint gets {@code pointsPerWeight} ×
 * weight points, two per MD5 digest of {@code "NAME-k"}; a key belongs to the first point at or
 * after its hash, wrapping. Removing one of n endpoints moves only the keys its points owned, about
 * 1/n of them.
 *
 * <p>Points are 64-bit; the low {@value #OWNER_BITS} bits of each sorted entry carry the owner's
 * index, so the ring sorts as one primitive array. Rings over {@value #MAX_POINTS} points are
 * scaled down by weight (Envoy caps its ring the same way). Immutable; any thread; a lookup is a
 * binary search with no allocation.
 */
final class HashRing implements HashTable {

  static final int OWNER_BITS = 20;
  static final long OWNER_MASK = (1L << OWNER_BITS) - 1;
  static final long MAX_POINTS = 1 << 20;

  private final long[] points;
  private final int[] owners;

  private HashRing(long[] points, int[] owners) {
    this.points = points;
    this.owners = owners;
  }

  /**
   * @param names each endpoint's stable name ({@code address:port})
   * @param weights one per endpoint, each ≥ 1
   * @param pointsPerWeight virtual nodes per unit of weight, ≥ 1
   */
  static HashRing build(List<String> names, long[] weights, int pointsPerWeight) {
    if (names.size() > OWNER_MASK) {
      throw new IllegalArgumentException("too many endpoints for a ring: " + names.size());
    }
    long[] counts = Weights.expanded(weights, pointsPerWeight, MAX_POINTS);
    int total = 0;
    for (long c : counts) {
      total += (int) c;
    }
    long[] packed = new long[total];
    int p = 0;
    MessageDigest md5 = md5();
    for (int i = 0; i < counts.length; i++) {
      for (int k = 0, made = 0; made < counts[i]; k++) {
        ByteBuffer digest =
            ByteBuffer.wrap(md5.digest((names.get(i) + "-" + k).getBytes(StandardCharsets.UTF_8)));
        for (int half = 0; half < 2 && made < counts[i]; half++, made++) {
          packed[p++] = (digest.getLong(half * 8) & ~OWNER_MASK) | i;
        }
      }
    }
    Arrays.sort(packed);
    long[] points = new long[total];
    int[] owners = new int[total];
    for (int j = 0; j < total; j++) {
      points[j] = packed[j] & ~OWNER_MASK;
      owners[j] = (int) (packed[j] & OWNER_MASK);
    }
    return new HashRing(points, owners);
  }

  /** The first point at or after {@code hash} (at the owner bits' precision), wrapping to 0. */
  @Override
  public int slot(long hash) {
    long h = hash & ~OWNER_MASK;
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  @Override
  public int[] owners() {
    return owners;
  }

  private static MessageDigest md5() {
    try {
      // MD5 only spreads points as Ketama does; nothing here depends on it resisting collisions.
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }
}
