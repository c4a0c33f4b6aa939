package dev.weir.dataplane.observe;

import dev.weir.dataplane.routing.RouteEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the built-in filters decided, per route ({@code route} = the object the route came from, as
 * in {@link RequestMetrics}):
 *
 * <ul>
 *   <li>{@code weir_rate_limit_decisions_total{route,decision}}: {@code allowed} | {@code limited};
 *   <li>{@code weir_cache_lookups_total{route,result}}: {@code hit} | {@code miss} | {@code stale}
 *       (revalidated upstream) | {@code bypass} (no-store, range, or a HEAD not stored);
 *   <li>{@code weir_auth_decisions_total{route,kind,decision}}: {@code kind} = {@code jwt} | {@code
 *       ext_auth}; {@code decision} = {@code allowed} | {@code denied} | {@code error} (signing
 *       keys unavailable; the authorization service unreachable, late or answering outside 2xx-5xx,
 *       fail-open or not);
 *   <li>{@code weir_plugin_failures_total{route,plugin}}: {@code plugin} = the plugin filter's
 *       class.
 * </ul>
 *
 * <p>A route's counters are found by its name in one map and made on first use, so a request costs
 * one map read and an increment. Thread-safe.
 */
public final class FilterMetrics {

  /** A decision of one built-in filter, with its meter and tags. */
  public enum Decision {
    RATE_LIMIT_ALLOWED("weir.rate.limit.decisions", "decision", "allowed"),
    RATE_LIMIT_LIMITED("weir.rate.limit.decisions", "decision", "limited"),
    CACHE_HIT("weir.cache.lookups", "result", "hit"),
    CACHE_MISS("weir.cache.lookups", "result", "miss"),
    CACHE_STALE("weir.cache.lookups", "result", "stale"),
    CACHE_BYPASS("weir.cache.lookups", "result", "bypass"),
    JWT_ALLOWED("weir.auth.decisions", "kind", "jwt", "decision", "allowed"),
    JWT_DENIED("weir.auth.decisions", "kind", "jwt", "decision", "denied"),
    JWT_ERROR("weir.auth.decisions", "kind", "jwt", "decision", "error"),
    EXT_AUTH_ALLOWED("weir.auth.decisions", "kind", "ext_auth", "decision", "allowed"),
    EXT_AUTH_DENIED("weir.auth.decisions", "kind", "ext_auth", "decision", "denied"),
    EXT_AUTH_ERROR("weir.auth.decisions", "kind", "ext_auth", "decision", "error");

    private static final Decision[] ALL = values();

    private final String meter;
    private final String[] tags;

    Decision(String meter, String... tags) {
      this.meter = meter;
      this.tags = tags;
    }
  }

  private record PluginKey(String route, String plugin) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> byRoute =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<PluginKey, Counter> pluginFailures = new ConcurrentHashMap<>();

  public FilterMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters that count nowhere, for filter chains built without telemetry (tests). */
  public static FilterMetrics none() {
    return new FilterMetrics(new CompositeMeterRegistry());
  }

  /** Counts {@code decision} for {@code route} (never null). */
  public void record(RouteEntry route, Decision decision) {
    AtomicReferenceArray<Counter> counters = byRoute.get(route.name());
    if (counters == null) {
      counters =
          byRoute.computeIfAbsent(
              route.name(), n -> new AtomicReferenceArray<>(Decision.ALL.length));
    }
    Counter c = counters.get(decision.ordinal());
    if (c == null) {
      // Registering is idempotent: a racing thread gets the same counter.
      c =
          Counter.builder(decision.meter)
              .tag("route", RequestMetrics.routeLabel(route.name()))
              .tags(decision.tags)
              .register(registry);
      counters.set(decision.ordinal(), c);
    }
    c.increment();
  }

  /** Counts a failure of {@code plugin} (a plugin's filter) on {@code route} (may be null). */
  public void pluginFailed(RouteEntry route, Object plugin) {
    String routeLabel = route == null ? "" : RequestMetrics.routeLabel(route.name());
    pluginFailures
        .computeIfAbsent(
            new PluginKey(routeLabel, plugin.getClass().getName()),
            k ->
                Counter.builder("weir.plugin.failures")
                    .description("Exceptions thrown by plugin filters, every phase")
                    .tag("route", k.route())
                    .tag("plugin", k.plugin())
                    .register(registry))
        .increment();
  }
}
