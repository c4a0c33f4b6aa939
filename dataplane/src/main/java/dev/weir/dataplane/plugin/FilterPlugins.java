package dev.weir.dataplane.plugin;

import dev.weir.dataplane.filter.FilterPlugin;
import dev.weir.dataplane.filter.ProxyFilter;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The filter plugins loaded at start-up, by name; empty without {@code --plugin-dir}. Immutable;
 * any thread.
 */
public final class FilterPlugins {

  private static final FilterPlugins NONE = new FilterPlugins(new TreeMap<>());

  private final SortedMap<String, FilterPlugin> byName;

  FilterPlugins(SortedMap<String, FilterPlugin> byName) {
    this.byName = new TreeMap<>(byName);
  }

  /** No plugins. */
  public static FilterPlugins none() {
    return NONE;
  }

  /** The names of the loaded plugins, sorted. */
  public Set<String> names() {
    return Collections.unmodifiableSet(byName.keySet());
  }

  /**
   * The filter of plugin {@code name} for one route.
   *
   * @throws IllegalArgumentException when no plugin has that name, or the plugin rejects the
   *     settings; the message says which
   */
  public ProxyFilter create(String name, Map<String, String> settings) {
    FilterPlugin plugin = byName.get(name);
    if (plugin == null) {
      throw new IllegalArgumentException(
          "filter plugin \"" + name + "\" is not loaded (loaded: " + byName.keySet() + ")");
    }
    try {
      ProxyFilter filter = plugin.create(Map.copyOf(settings));
      if (filter == null) {
        throw new IllegalArgumentException("filter plugin \"" + name + "\" returned no filter");
      }
      return filter;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "filter plugin \"" + name + "\" rejected its settings: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A plugin bug must become a NACK, not crash the apply.
      throw new IllegalArgumentException(
          "filter plugin \"" + name + "\" failed to create its filter: " + e, e);
    }
  }
}
