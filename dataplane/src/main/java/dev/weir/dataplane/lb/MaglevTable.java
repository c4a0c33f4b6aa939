package dev.weir.dataplane.lb;

import java.util.Arrays;
import java.util.List;

/**
 * A Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, §3.4): each endpoint has a preference order over the {@code m} slots,
 * {@code (offset + j × skip) mod m}, which is a permutation because {@code m} is prime and {@code
 * skip} is in {@code [1, m)}. Endpoints take turns claiming their next free preferred slot until
 * the table is full; with weights (as Envoy's weighted Maglev), an endpoint takes a turn in round
 * {@code t} only while its slots are below {@code t × weight / maxWeight}. Equal weights give every
 * endpoint ⌊m/n⌋ or ⌈m/n⌉ slots; removing one endpoint moves about 1/n of keys.
 *
 * <p>Immutable; any thread; a lookup is one remainder.
 */
final class MaglevTable implements HashTable {

  static final int DEFAULT_SIZE = 65537;
  // Envoy's limit for a Maglev table, which keeps the build under a second.
  static final int MAX_SIZE = 5_000_011;
  private static final long OFFSET_SEED = 0x6d61676c65764f66L;
  private static final long SKIP_SEED = 0x6d61676c65765363L;

  private final int[] table;

  private MaglevTable(int[] table) {
    this.table = table;
  }

  /**
   * @param names each endpoint's stable name ({@code address:port})
   * @param weights one per endpoint, each ≥ 1
   * @param m the table size: a prime, at least the number of endpoints, at most {@value #MAX_SIZE}
   */
  static MaglevTable build(List<String> names, long[] weights, int m) {
    if (!isPrime(m) || m < names.size() || m > MAX_SIZE) {
      throw new IllegalArgumentException("bad Maglev table size " + m);
    }
    int n = names.size();
    long[] offset = new long[n];
    long[] skip = new long[n];
    long maxWeight = 1;
    for (int i = 0; i < n; i++) {
      offset[i] = Long.remainderUnsigned(KeyHash.of(names.get(i), OFFSET_SEED), m);
      skip[i] = Long.remainderUnsigned(KeyHash.of(names.get(i), SKIP_SEED), m - 1) + 1;
      maxWeight = Math.max(maxWeight, weights[i]);
    }
    int[] table = new int[n == 0 ? 0 : m];
    Arrays.fill(table, -1);
    long[] nextChoice = new long[n];
    long[] claimed = new long[n];
    int filled = 0;
    for (long round = 1; filled < table.length; round++) {
      for (int i = 0; i < n && filled < table.length; i++) {
        if (claimed[i] * maxWeight >= round * weights[i]) {
          continue;
        }
        int slot;
        do {
          slot = (int) ((offset[i] + nextChoice[i]++ * skip[i]) % m);
        } while (table[slot] >= 0);
        table[slot] = i;
        claimed[i]++;
        filled++;
      }
    }
    return new MaglevTable(table);
  }

  /** The slot of endpoint {@code name}'s {@code j}-th preference; for tests of the permutation. */
  static int preference(String name, int m, long j) {
    long offset = Long.remainderUnsigned(KeyHash.of(name, OFFSET_SEED), m);
    long skip = Long.remainderUnsigned(KeyHash.of(name, SKIP_SEED), m - 1) + 1;
    return (int) ((offset + j * skip) % m);
  }

  /** Whether {@code m} is prime, by trial division (m is at most a few million). */
  static boolean isPrime(long m) {
    if (m < 2) {
      return false;
    }
    for (long d = 2; d * d <= m; d++) {
      if (m % d == 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int slot(long hash) {
    return (int) Long.remainderUnsigned(hash, table.length);
  }

  @Override
  public int[] owners() {
    return table;
  }
}
