package dev.weir.dataplane.lb;

/**
 * The 64-bit hash of a text key: FNV-1a over the UTF-16 code units, then MurmurHash3's {@code
 * fmix64} finalizer so that nearby keys ("user1", "user2") land far apart on a ring or in a Maglev
 * table. Reads the {@link CharSequence} in place: no allocation. Stateless.
 */
public final class KeyHash {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private KeyHash() {}

  /** The hash of {@code key}. */
  public static long of(CharSequence key) {
    return of(key, 0);
  }

  /** The hash of {@code key} under {@code seed}; different seeds give independent hashes. */
  public static long of(CharSequence key, long seed) {
    long h = FNV_OFFSET ^ seed;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * FNV_PRIME;
    }
    return fmix64(h ^ key.length());
  }

  /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
