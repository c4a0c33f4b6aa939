package dev.weir.dataplane.routing;

/**
 * A route's in-memory response cache (proto {@code ResponseCache}, RFC 9111). The route's name is
 * part of the value, so each route has its own store, and a new snapshot with the same route and
 * settings finds the same one. Immutable.
 *
 * @param routeName the route the cache belongs to
 * @param maxBytes total bytes of cached bodies (least recently used evicted first)
 * @param maxEntryBytes the largest body cached
 * @param defaultTtlSeconds heuristic freshness (RFC 9111 §4.2.2) for responses that say nothing; 0
 *     for none
 */
public record ResponseCacheSettings(
    String routeName, long maxBytes, long maxEntryBytes, long defaultTtlSeconds) {

  /** The proto's default for {@code max_bytes} (0 = 64 MiB). */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** The proto's default for {@code max_entry_bytes} (0 = 1 MiB). */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 20;

  /** The largest entry any setting may ask for: bodies are kept in one array. */
  public static final long ENTRY_LIMIT = 1L << 30;
}
