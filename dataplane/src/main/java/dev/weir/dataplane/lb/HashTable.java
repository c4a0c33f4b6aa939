package dev.weir.dataplane.lb;

/**
 * Where a key's hash lands for a {@link ConsistentHashBalancer}: a slot of an owner array that maps
 * slots to endpoint indices. Built once per snapshot; immutable, any thread.
 */
sealed interface HashTable permits HashRing, MaglevTable {

  /** The slot {@code hash} lands on, in {@code [0, owners().length)}. */
  int slot(long hash);

  /**
   * Endpoint index by slot, walked forward (circularly) for a key's preference list. Not copied:
   * callers must not change it.
   */
  int[] owners();
}
