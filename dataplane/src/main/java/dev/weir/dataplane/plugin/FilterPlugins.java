package dev.weir.dataplane.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weir.dataplane.filter.FilterPlugin;
import dev.weir.dataplane.filter.ProxyFilter;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The filter plugins loaded at start-up, by name; empty without {@code --plugin-dir}. Binds each
 * route's JSON config to the plugin's config type. Immutable; any thread.
 */
public final class FilterPlugins {

  private static final FilterPlugins NONE = new FilterPlugins(new TreeMap<>());

  /**
   * Strict: a misspelt field is a NACK naming it, not a silently ignored setting. In a holder, so
   * that Jackson's few hundred classes load only once a route configures a plugin.
   */
  private static final class Json {
    static final ObjectMapper MAPPER =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  private final SortedMap<String, FilterPlugin<?>> byName;

  private FilterPlugins(SortedMap<String, FilterPlugin<?>> byName) {
    this.byName = new TreeMap<>(byName);
  }

  /** The syntax of {@link FilterPlugin#name()}. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /** No plugins. */
  public static FilterPlugins none() {
    return NONE;
  }

  /**
   * These plugins, by name (for an embedding program or a test; the data plane uses {@link
   * PluginLoader}).
   *
   * @throws IllegalStateException when a name is invalid or taken twice
   */
  public static FilterPlugins of(List<FilterPlugin<?>> plugins) {
    TreeMap<String, FilterPlugin<?>> byName = new TreeMap<>();
    for (FilterPlugin<?> plugin : plugins) {
      String name = plugin.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalStateException(
            "plugin " + plugin.getClass().getName() + " has an invalid name \"" + name + "\"");
      }
      FilterPlugin<?> other = byName.putIfAbsent(name, plugin);
      if (other != null) {
        throw new IllegalStateException(
            "two plugins are named \""
                + name
                + "\": "
                + other.getClass().getName()
                + " and "
                + plugin.getClass().getName());
      }
    }
    return new FilterPlugins(byName);
  }

  /** The names of the loaded plugins, sorted. */
  public Set<String> names() {
    return Collections.unmodifiableSet(byName.keySet());
  }

  /**
   * The filter of plugin {@code name} for one route.
   *
   * @param configJson the route's config, a JSON object ("" means {@code {}})
   * @throws IllegalArgumentException when no plugin has that name, or the config does not bind to
   *     the plugin's type, or the plugin rejects it; the message says which
   */
  public ProxyFilter create(String name, String configJson) {
    FilterPlugin<?> plugin = byName.get(name);
    if (plugin == null) {
      throw new IllegalArgumentException(
          "filter plugin \"" + name + "\" is not loaded (loaded: " + byName.keySet() + ")");
    }
    return create(plugin, configJson.isBlank() ? "{}" : configJson);
  }

  private static <C> ProxyFilter create(FilterPlugin<C> plugin, String json) {
    C config;
    try {
      config = Json.MAPPER.readValue(json, plugin.configType());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "filter plugin \""
              + plugin.name()
              + "\": config does not fit "
              + plugin.configType().getSimpleName()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    try {
      ProxyFilter filter = plugin.create(config);
      if (filter == null) {
        throw new IllegalArgumentException("returned no filter");
      }
      return filter;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "filter plugin \"" + plugin.name() + "\" rejected its config: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A plugin bug must become a NACK, not crash the apply.
      throw new IllegalArgumentException(
          "filter plugin \"" + plugin.name() + "\" failed to create its filter: " + e, e);
    }
  }
}
