package dev.weir.controller.translate;

import dev.weir.controller.model.Route;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.List;
import java.util.Objects;

/**
 * Applies the TrafficPolicies of a route's attachment to it, from least to most specific, each
 * overriding the previous field by field (GEP-713 hierarchy; an HTTPRoute is more specific than its
 * Gateway, a section than its whole object):
 *
 * <ol>
 *   <li>the whole Gateway;
 *   <li>the listener the route attached to ({@code sectionName});
 *   <li>the whole HTTPRoute;
 *   <li>the route's rule, by its {@code name} ({@code sectionName}).
 * </ol>
 *
 * GRPCRoutes, which a TrafficPolicy cannot target, get their Gateway's and listener's policies.
 * Stateless.
 */
final class TrafficPolicyAttachment {

  private TrafficPolicyAttachment() {}

  /**
   * @param gateway the Gateway, "namespace/name"
   * @param listener the listener's name
   * @param source the route object
   * @param rule the rule's index in the route
   * @param route one route of that rule
   * @return {@code route} with the merged settings applied
   */
  static Route apply(
      TrafficPolicies policies,
      String gateway,
      String listener,
      RouteSource source,
      int rule,
      Route route) {
    TrafficSettings merged =
        policies
            .settings("Gateway", gateway, "")
            .overriddenBy(policies.settings("Gateway", gateway, listener));
    if (source.object() instanceof HTTPRoute http) {
      String key = source.ref().namespace() + "/" + source.ref().name();
      merged = merged.overriddenBy(policies.settings("HTTPRoute", key, ""));
      String name = ruleName(http, rule);
      if (!name.isEmpty()) {
        merged = merged.overriddenBy(policies.settings("HTTPRoute", key, name));
      }
    }
    return merged.applyTo(route);
  }

  /** The rule's name, "" when it has none. */
  private static String ruleName(HTTPRoute route, int index) {
    List<HTTPRouteRule> rules =
        route.getSpec() == null
            ? List.of()
            : Objects.requireNonNullElse(route.getSpec().getRules(), List.of());
    if (index >= rules.size() || rules.get(index) == null) {
      return "";
    }
    return Objects.requireNonNullElse(rules.get(index).getName(), "");
  }
}
