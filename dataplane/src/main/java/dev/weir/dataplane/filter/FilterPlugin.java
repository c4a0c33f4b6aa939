package dev.weir.dataplane.filter;

import java.util.Map;

/**
 * A filter shipped in a plugin jar: the one extension point of the data plane, discovered with
 * {@link java.util.ServiceLoader} from the jars in {@code --plugin-dir} at start-up. A plugin jar
 * lists its implementations in {@code META-INF/services/dev.weir.dataplane.filter.FilterPlugin}.
 *
 * <p>A route turns a plugin on by naming it in its {@code filters.plugins} (a TrafficPolicy's
 * {@code plugins}), with settings of its own. When a snapshot is applied, {@link #create} is called
 * once per route that names the plugin, off the event loops, with that route's settings: parse and
 * check them there, so that a bad value is a NACK naming the route instead of a failure per
 * request. The filters it returns run after Weir's built-in request filters (authentication, rate
 * limits and routing have run, so {@link RequestContext#route()} and {@link
 * RequestContext#backend()} are known), in the order the route lists them; response phases run in
 * reverse. The filter API's rules hold: called on the downstream event loop, never block, keep no
 * references to messages.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface FilterPlugin {

  /**
   * The name routes use to turn this plugin on: lowercase letters, digits, '.', '-' and '_', unique
   * among the loaded plugins.
   */
  String name();

  /**
   * The filter of one route.
   *
   * @param settings the route's settings for this plugin, never null
   * @throws IllegalArgumentException when the settings are invalid; its message is sent to the
   *     controller in the NACK
   */
  ProxyFilter create(Map<String, String> settings);
}
