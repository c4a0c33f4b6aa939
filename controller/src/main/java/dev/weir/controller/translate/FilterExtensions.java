package dev.weir.controller.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.FilterExtension;
import dev.weir.controller.crd.FilterExtensionSpec;
import dev.weir.controller.model.RouteFilters;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves an HTTPRoute rule's {@code ExtensionRef} filter (Gateway API HTTPRouteFilter,
 * implementation-specific) naming a FilterExtension (weir.dev/v1alpha1) in the route's namespace
 * into a plugin filter. Any other group or kind is not supported: the rule is dropped ({@code
 * Accepted} reason {@code UnsupportedValue}), as for every unknown filter. A FilterExtension that
 * does not exist or is invalid cannot be resolved: the spec says such a filter MUST NOT be skipped
 * and that the requests it would have processed MUST receive an HTTP error, so the rule's routes
 * answer 500 and the route gets {@code ResolvedRefs=False} reason {@code FilterNotFound}.
 *
 * <p>One instance serves one build: not thread-safe.
 */
final class FilterExtensions {

  /** The {@code ResolvedRefs} reason of an ExtensionRef that cannot be resolved. */
  static final String NOT_FOUND = "FilterNotFound";

  private static final Pattern PLUGIN = Pattern.compile(FilterExtensionSpec.PLUGIN_NAME);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, FilterExtension> byName = new HashMap<>();

  /**
   * @param extensions every FilterExtension
   */
  FilterExtensions(List<FilterExtension> extensions) {
    for (FilterExtension e : extensions) {
      if (e != null && e.getMetadata() != null) {
        byName.put(Ingresses.namespace(e) + "/" + Ingresses.name(e), e);
      }
    }
  }

  /**
   * The plugin filter an ExtensionRef names, or empty when it cannot be resolved (reported in
   * {@code refs} and {@code problems}).
   *
   * @param source the HTTPRoute
   * @param refs the route's ResolvedRefs reason and message, updated on failure
   * @throws InvalidRule when the reference is not to a weir.dev FilterExtension
   */
  Optional<RouteFilters.Plugin> plugin(
      ObjectRef source, LocalObjectReference ref, String[] refs, List<Problem> problems)
      throws InvalidRule {
    if (ref == null
        || !BackendPolicy.GROUP.equals(ref.getGroup())
        || !FilterExtension.KIND.equals(ref.getKind())) {
      throw new InvalidRule(
          "filter type \"ExtensionRef\" is only supported for group "
              + BackendPolicy.GROUP
              + " kind "
              + FilterExtension.KIND);
    }
    String key = source.namespace() + "/" + Objects.requireNonNullElse(ref.getName(), "");
    FilterExtension e = byName.get(key);
    String why = null;
    if (e == null || e.getSpec() == null) {
      why = "FilterExtension " + key + " not found";
    } else if (e.getSpec().plugin == null || !PLUGIN.matcher(e.getSpec().plugin).matches()) {
      why = "FilterExtension " + key + ": spec.plugin is not a plugin name";
    } else if (e.getSpec().config != null && !e.getSpec().config.isObject()) {
      why = "FilterExtension " + key + ": spec.config is not a JSON object";
    }
    if (why != null) {
      refs[0] = NOT_FOUND;
      refs[1] = why + "; the rule's requests get 500";
      problems.add(new Problem(source, "ResolvedRefs", NOT_FOUND, refs[1]));
      return Optional.empty();
    }
    return Optional.of(new RouteFilters.Plugin(e.getSpec().plugin, config(e), key));
  }

  /** {@code spec.config} as compact JSON, "{}" when unset. */
  private static String config(FilterExtension e) {
    if (e.getSpec().config == null) {
      return "{}";
    }
    try {
      return JSON.writeValueAsString(e.getSpec().config);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("a JSON tree always serializes", ex);
    }
  }
}
