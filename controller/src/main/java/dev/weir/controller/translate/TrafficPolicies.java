package dev.weir.controller.translate;

import dev.weir.controller.crd.PolicyTargetRef;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.model.GatewayApiStatus.PolicyAncestorStatus;
import dev.weir.controller.model.GatewayApiStatus.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Resolves TrafficPolicies (weir.dev/v1alpha1) against their targets, keeps the settings ({@link
 * TrafficSettings}) of each target's winning policy for {@link TrafficPolicyAttachment}, and builds
 * their GEP-713 status:
 *
 * <ul>
 *   <li>A targetRef names a Gateway of Weir's classes or an HTTPRoute in the policy's namespace
 *       (group gateway.networking.k8s.io), optionally one listener or named rule ({@code
 *       sectionName}). Precedence when applied: an HTTPRoute policy beats its Gateway's, a
 *       sectionName beats the whole object.
 *   <li>Two policies on the same target and sectionName conflict: the oldest wins, the other is
 *       {@code Accepted=False, Conflicted} where it lost every target.
 *   <li>No existing target: {@code TargetNotFound}. An invalid value ({@link
 *       TrafficPolicyValidator}), a JWKS Secret or ConfigMap that is missing or not a JWKS ({@link
 *       JwksSources}), or another kind of target: {@code Invalid}, and ignored: it claims no
 *       target, so routes keep what they would have without it.
 *   <li>Ancestors: the targeted Gateway, or the Weir Gateways an HTTPRoute target names in its
 *       parentRefs; the first target itself when there is none, so the verdict is always shown.
 * </ul>
 *
 * <p>Immutable once built; built once per translation.
 */
final class TrafficPolicies {

  private final Map<String, TrafficSettings> winners = new HashMap<>();
  private final List<PolicyStatus> status;

  /**
   * @param policies every TrafficPolicy
   * @param gateways Weir's Gateways, by "namespace/name"
   * @param httpRoutes every HTTPRoute
   * @param jwks where JWKS Secrets and ConfigMaps are read
   */
  TrafficPolicies(
      List<TrafficPolicy> policies,
      Map<String, Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      JwksSources jwks) {
    this.status = resolve(policies, gateways, httpRoutes, jwks);
  }

  /** One status per policy, oldest first. */
  List<PolicyStatus> status() {
    return status;
  }

  /**
   * The settings of the policy that won a target, or {@link TrafficSettings#NONE}.
   *
   * @param kind "Gateway" or "HTTPRoute"
   * @param key the target, "namespace/name"
   * @param section a listener or rule name, "" for the whole target
   */
  TrafficSettings settings(String kind, String key, String section) {
    if (winners.isEmpty()) {
      return TrafficSettings.NONE; // the usual case: no key to build for each route and rule
    }
    return winners.getOrDefault(kind + "/" + key + "#" + section, TrafficSettings.NONE);
  }

  private List<PolicyStatus> resolve(
      List<TrafficPolicy> policies,
      Map<String, Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      JwksSources jwks) {
    if (policies.isEmpty()) {
      return List.of();
    }
    Map<String, HTTPRoute> routes = new HashMap<>();
    for (HTTPRoute r : httpRoutes) {
      if (r != null && r.getMetadata() != null && r.getSpec() != null) {
        routes.put(Ingresses.namespace(r) + "/" + Ingresses.name(r), r);
      }
    }
    List<PolicyStatus> out = new ArrayList<>();
    for (TrafficPolicy p :
        policies.stream()
            .filter(p -> p != null && p.getMetadata() != null && p.getSpec() != null)
            .sorted(
                Comparator.comparing(
                        (TrafficPolicy p) ->
                            Objects.requireNonNullElse(p.getMetadata().getCreationTimestamp(), ""))
                    .thenComparing(Ingresses::namespace)
                    .thenComparing(Ingresses::name))
            .toList()) {
      String ns = Ingresses.namespace(p);
      List<PolicyTargetRef> refs = Objects.requireNonNullElse(p.getSpec().targetRefs, List.of());
      Condition verdict = verdict(p, refs, gateways, routes, jwks);
      TreeSet<String> ancestors = new TreeSet<>();
      for (PolicyTargetRef t : refs) {
        if (t != null && "Gateway".equals(t.kind) && gateways.containsKey(ns + "/" + t.name)) {
          ancestors.add(ns + "/" + t.name);
        } else if (t != null
            && "HTTPRoute".equals(t.kind)
            && routes.containsKey(ns + "/" + t.name)) {
          ancestors.addAll(parents(routes.get(ns + "/" + t.name), gateways));
        }
      }
      List<PolicyAncestorStatus> entries = new ArrayList<>();
      for (String g : ancestors) {
        int slash = g.indexOf('/');
        entries.add(
            new PolicyAncestorStatus(
                new ObjectRef("Gateway", g.substring(0, slash), g.substring(slash + 1)),
                List.of(verdict)));
      }
      if (entries.isEmpty() && !refs.isEmpty() && refs.getFirst() != null) {
        PolicyTargetRef first = refs.getFirst();
        entries.add(
            new PolicyAncestorStatus(
                new ObjectRef(Objects.requireNonNullElse(first.kind, "Gateway"), ns, first.name),
                List.of(verdict)));
      }
      Long generation = p.getMetadata().getGeneration();
      out.add(
          new PolicyStatus(
              Ingresses.ref("TrafficPolicy", p), generation == null ? 0 : generation, entries));
    }
    return out;
  }

  /** Validates and attaches one policy; claims the targets no older policy has. */
  private Condition verdict(
      TrafficPolicy p,
      List<PolicyTargetRef> refs,
      Map<String, Gateway> gateways,
      Map<String, HTTPRoute> routes,
      JwksSources jwks) {
    for (PolicyTargetRef t : refs) {
      boolean kind = t != null && ("Gateway".equals(t.kind) || "HTTPRoute".equals(t.kind));
      if (!kind || !ReferenceGrants.GATEWAY_GROUP.equals(t.groupOrCore())) {
        return notAccepted(
            "Invalid", "targetRefs must name Gateways or HTTPRoutes (gateway.networking.k8s.io)");
      }
    }
    String ns = Ingresses.namespace(p);
    TrafficSettings settings;
    try {
      TrafficPolicyValidator.check(p.getSpec());
      settings = TrafficPolicySettings.of(p.getSpec(), ns, jwks);
    } catch (BackendPolicyValidator.InvalidPolicy e) {
      return notAccepted("Invalid", e.getMessage() + "; the policy is ignored");
    }
    List<String> missing = new ArrayList<>();
    int won = 0;
    for (PolicyTargetRef t : refs) {
      String key = ns + "/" + t.name;
      boolean exists =
          t.kind.equals("Gateway")
              ? gateways.containsKey(key) && hasListener(gateways.get(key), t.section())
              : routes.containsKey(key) && hasRule(routes.get(key), t.section());
      if (!exists) {
        missing.add(t.kind + " " + key + (t.section().isEmpty() ? "" : " section " + t.section()));
      } else if (winners.putIfAbsent(t.kind + "/" + key + "#" + t.section(), settings) == null) {
        won++;
      }
    }
    if (missing.size() == refs.size()) {
      return notAccepted("TargetNotFound", String.join(", ", missing) + " not found");
    }
    if (won == 0) {
      return notAccepted(
          "Conflicted",
          "a TrafficPolicy created earlier already targets the same object (and sectionName)");
    }
    return new Condition("Accepted", true, "Accepted", "policy is accepted");
  }

  private static boolean hasListener(Gateway g, String section) {
    return section.isEmpty()
        || (g.getSpec() != null
            && Objects.requireNonNullElse(g.getSpec().getListeners(), List.<Listener>of()).stream()
                .anyMatch(l -> l != null && section.equals(l.getName())));
  }

  private static boolean hasRule(HTTPRoute r, String section) {
    return section.isEmpty()
        || Objects.requireNonNullElse(r.getSpec().getRules(), List.<HTTPRouteRule>of()).stream()
            .anyMatch(rule -> rule != null && section.equals(rule.getName()));
  }

  /** The Weir Gateways ("namespace/name") the route's parentRefs name. */
  private static List<String> parents(HTTPRoute r, Map<String, Gateway> gateways) {
    List<String> out = new ArrayList<>();
    for (ParentReference p :
        Objects.requireNonNullElse(r.getSpec().getParentRefs(), List.<ParentReference>of())) {
      if (p != null && "Gateway".equals(Objects.requireNonNullElse(p.getKind(), "Gateway"))) {
        String g =
            Objects.requireNonNullElse(p.getNamespace(), Ingresses.namespace(r))
                + "/"
                + p.getName();
        if (gateways.containsKey(g)) {
          out.add(g);
        }
      }
    }
    return out;
  }

  private static Condition notAccepted(String reason, String message) {
    return new Condition("Accepted", false, reason, message);
  }
}
