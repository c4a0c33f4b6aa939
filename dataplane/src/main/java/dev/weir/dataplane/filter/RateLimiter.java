package dev.weir.dataplane.filter;

import dev.weir.dataplane.routing.RateLimitSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The token buckets of one route's {@link RateLimitSettings}: one per key, at most {@code maxKeys}
 * of them. When the map is full, buckets that have refilled completely go first (dropping them
 * changes nothing), then the least recently used eighth; so a flood of new keys costs an occasional
 * sort, not one per request.
 *
 * <p>Thread-safe: buckets are taken from any event loop; eviction is best effort under races.
 */
final class RateLimiter {

  private final RateLimitSettings settings;
  private final LongSupplier clock;
  private final long emissionNanos;
  private final long windowSeconds;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(RateLimitSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
    long intervalNanos = settings.fillIntervalMillis() * 1_000_000L;
    this.emissionNanos = Math.max(1, intervalNanos / settings.requests());
    this.windowSeconds = Math.max(1, Math.ceilDiv(settings.fillIntervalMillis(), 1000));
  }

  /** Takes a token from {@code key}'s bucket and says how it went. */
  RateLimitOutcome take(String key) {
    long now = clock.getAsLong();
    TokenBucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= settings.maxKeys()) {
        evict(now);
      }
      bucket =
          buckets.computeIfAbsent(key, k -> new TokenBucket(emissionNanos, settings.burst(), now));
    }
    long left = bucket.take(now);
    if (left >= 0) {
      long untilFull = (settings.burst() - left) * emissionNanos;
      return new RateLimitOutcome(
          true, settings.requests(), windowSeconds, left, Math.ceilDiv(untilFull, 1_000_000_000L));
    }
    long retry = Math.max(1, Math.ceilDiv(-left, 1_000_000_000L));
    return new RateLimitOutcome(false, settings.requests(), windowSeconds, 0, retry);
  }

  /** Whether every bucket is full: the limiter is then as good as a new one. */
  boolean idle() {
    long now = clock.getAsLong();
    return buckets.values().stream().allMatch(b -> b.full(now));
  }

  /** The number of buckets kept. */
  int size() {
    return buckets.size();
  }

  private void evict(long now) {
    buckets.values().removeIf(b -> b.full(now));
    int excess = buckets.size() - settings.maxKeys() + Math.max(1, settings.maxKeys() / 8);
    if (excess <= 0) {
      return;
    }
    List<Map.Entry<String, TokenBucket>> oldest = new ArrayList<>(buckets.entrySet());
    oldest.sort(Comparator.comparingLong(e -> e.getValue().lastUsedNanos() - now));
    for (int i = 0; i < excess && i < oldest.size(); i++) {
      buckets.remove(oldest.get(i).getKey(), oldest.get(i).getValue());
    }
  }
}
