package dev.weir.dataplane.upstream;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The data plane's {@link ClusterLoad}s by cluster name, one set for all event loops: a cluster
 * keeps its counts (and its {@link ClusterMeters}) across snapshot swaps while it keeps its name; a
 * cluster a snapshot drops loses its meters too. Thread-safe (a concurrent map).
 */
public final class ClusterLoads {

  private final ConcurrentMap<String, ClusterLoad> loads = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  /** Loads whose meters count nowhere. */
  public ClusterLoads() {
    this(null);
  }

  /**
   * @param registry where each cluster's {@link ClusterMeters} are registered, or null for none
   */
  public ClusterLoads(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The load of the cluster named {@code name}, created on first use. */
  public ClusterLoad of(String name) {
    ClusterLoad load = loads.get(name);
    return load != null ? load : loads.computeIfAbsent(name, this::create);
  }

  private ClusterLoad create(String name) {
    if (registry == null) {
      return new ClusterLoad();
    }
    ClusterMeters meters = new ClusterMeters(registry, name);
    ClusterLoad load = new ClusterLoad(meters);
    meters.bindGauges(load);
    return load;
  }

  /**
   * Forgets clusters no longer configured. Exchanges still running keep their load object and count
   * down on it; a cluster that comes back later starts from zero.
   */
  public void retainOnly(Set<String> names) {
    loads
        .entrySet()
        .removeIf(
            e -> {
              if (names.contains(e.getKey())) {
                return false;
              }
              e.getValue().meters().remove();
              return true;
            });
  }
}
