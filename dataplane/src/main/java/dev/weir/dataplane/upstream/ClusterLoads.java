package dev.weir.dataplane.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The data plane's {@link ClusterLoad}s by cluster name, one set for all event loops: a cluster
 * keeps its counts across snapshot swaps while it keeps its name. Thread-safe (a concurrent map).
 */
public final class ClusterLoads {

  private final ConcurrentMap<String, ClusterLoad> loads = new ConcurrentHashMap<>();

  /** The load of the cluster named {@code name}, created on first use. */
  public ClusterLoad of(String name) {
    ClusterLoad load = loads.get(name);
    return load != null ? load : loads.computeIfAbsent(name, n -> new ClusterLoad());
  }

  /**
   * Forgets clusters no longer configured. Exchanges still running keep their load object and count
   * down on it; a cluster that comes back later starts from zero.
   */
  public void retainOnly(Set<String> names) {
    loads.keySet().retainAll(names);
  }
}
