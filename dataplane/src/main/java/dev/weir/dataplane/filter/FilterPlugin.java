package dev.weir.dataplane.filter;

/**
 * A filter shipped in a plugin jar: the one extension point of the data plane, discovered with
 * {@link java.util.ServiceLoader} from the jars in {@code --plugin-dir} at start-up. A plugin jar
 * lists its implementations in {@code META-INF/services/dev.weir.dataplane.filter.FilterPlugin}.
 *
 * <p>A route turns a plugin on through an HTTPRoute rule filter of type {@code ExtensionRef} naming
 * a {@code FilterExtension} ({@code weir.dev/v1alpha1}) whose {@code spec.plugin} is {@link
 * #name()}; its {@code spec.config} (JSON) is bound to {@link #configType()} with Jackson (unknown
 * fields are an error), so a plugin receives typed settings. When a snapshot is applied, {@link
 * #create} is called once per route that names the plugin, off the event loops: check the config
 * there, so that a bad value is a NACK naming the route instead of a failure per request. The
 * filters it returns run after Weir's built-in request filters (authentication, rate limits and
 * routing have run, so {@link RequestContext#route()} and {@link RequestContext#backend()} are
 * known), in the order the route lists them; response phases run in reverse; they may wait with
 * {@link RequestContext#defer}. The filter API's rules hold: called on the downstream event loop,
 * never block, keep no references to messages. A plugin that throws fails only its request: from
 * {@code onRequest} the request is answered 500; from a later phase the exchange goes on without
 * the plugin's effect. Either way the failure is counted and logged.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface FilterPlugin<C> {

  /**
   * The name routes use to turn this plugin on: lowercase letters, digits, '.', '-' and '_', unique
   * among the loaded plugins.
   */
  String name();

  /**
   * The type the route's JSON config is bound to: a record or a bean with a no-argument
   * constructor, made of JSON-compatible fields. An empty config binds to an instance with every
   * field absent.
   */
  Class<C> configType();

  /**
   * The filter of one route.
   *
   * @param config the route's config for this plugin, never null
   * @throws IllegalArgumentException when the config is invalid; its message is sent to the
   *     controller in the NACK
   */
  ProxyFilter create(C config);
}
