package dev.weir.dataplane.health;

import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code weir_endpoint_healthy{backend,endpoint}}: 1 while traffic may go to the endpoint (no
 * failed active check, no ejection), else 0; only for clusters with an active check or outlier
 * detection. {@code endpoint} is the snapshot's {@code ip:port}, so the labels are bounded by the
 * config. {@link #sync} makes the gauges match the published snapshot: a removed endpoint's gauge
 * leaves the registry, and an endpoint whose state was replaced gets a gauge on the new state.
 *
 * <p>{@link #sync} is called by the applier's thread only ({@link HealthStates#activate}); the
 * gauges are read by scrapes from any thread.
 */
final class HealthGauges {

  private record Key(String cluster, String endpoint) {}

  private record Bound(EndpointHealth health, Gauge gauge) {}

  private final MeterRegistry registry;
  private final LongSupplier nanoClock;
  private Map<Key, Bound> bound = new HashMap<>();

  HealthGauges(MeterRegistry registry, LongSupplier nanoClock) {
    this.registry = registry;
    this.nanoClock = nanoClock;
  }

  void sync(Collection<ClusterHealth> clusters) {
    Map<Key, Bound> next = new HashMap<>();
    for (ClusterHealth cluster : clusters) {
      for (Map.Entry<UpstreamEndpoint, EndpointHealth> e : cluster.endpoints().entrySet()) {
        Key key = new Key(cluster.cluster(), hostPort(e.getKey()));
        Bound old = bound.remove(key);
        if (old != null && old.health() == e.getValue()) {
          next.put(key, old);
          continue;
        }
        if (old != null) {
          registry.remove(old.gauge());
        }
        next.putIfAbsent(key, new Bound(e.getValue(), register(key, e.getValue())));
      }
    }
    bound.values().forEach(b -> registry.remove(b.gauge()));
    bound = next;
  }

  private Gauge register(Key key, EndpointHealth health) {
    return Gauge.builder(
            "weir.endpoint.healthy", health, h -> h.available(nanoClock.getAsLong()) ? 1 : 0)
        .description("1 while the endpoint may take traffic (health checks, outlier detection)")
        .tag("backend", key.cluster())
        .tag("endpoint", key.endpoint())
        .strongReference(true)
        .register(registry);
  }

  private static String hostPort(UpstreamEndpoint e) {
    return e.address().indexOf(':') >= 0
        ? "[" + e.address() + "]:" + e.port()
        : e.address() + ":" + e.port();
  }
}
