package dev.weir.dataplane.routing;

import java.util.Objects;

/**
 * A route's local rate limit (proto {@code LocalRateLimit}): {@code requests} tokens per {@code
 * fillIntervalMillis}, at most {@code burst} saved up, one bucket per {@link Key}. Two routes with
 * equal settings and the same name share their buckets across snapshots, so a config push that does
 * not change the limit does not refill it. Immutable.
 *
 * @param routeName the route's name; part of the identity of the buckets
 * @param requests tokens added per fill interval, at least 1
 * @param fillIntervalMillis the fill interval, at least 1
 * @param burst the bucket size, at least 1 (smaller than {@code requests} smooths the rate)
 * @param key what a bucket is kept per
 * @param maxKeys buckets kept for per-client and per-header keys
 */
public record RateLimitSettings(
    String routeName, long requests, long fillIntervalMillis, long burst, Key key, int maxKeys) {

  /** The default for {@code maxKeys} (proto: 0 = 10000). */
  public static final int DEFAULT_MAX_KEYS = 10_000;

  public RateLimitSettings {
    Objects.requireNonNull(routeName, "routeName");
    Objects.requireNonNull(key, "key");
    if (requests < 1 || fillIntervalMillis < 1) {
      throw new IllegalArgumentException("requests and fill interval must be at least 1");
    }
    if (burst < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("burst and maxKeys must be >= 1");
    }
  }

  /** What one bucket counts. */
  public sealed interface Key {
    /** One bucket for the whole route. */
    record Route() implements Key {}

    /** One bucket per client IP. */
    record ClientIp() implements Key {}

    /**
     * One bucket per value of a request header.
     *
     * @param name the header's name, lower case
     */
    record Header(String name) implements Key {
      public Header {
        Objects.requireNonNull(name, "name");
      }
    }
  }

  @Override
  public String toString() {
    String by =
        switch (key) {
          case Key.Route r -> "route";
          case Key.ClientIp c -> "client-ip";
          case Key.Header h -> "header " + h.name();
        };
    return requests + "/" + fillIntervalMillis + "ms burst=" + burst + " per " + by;
  }
}
