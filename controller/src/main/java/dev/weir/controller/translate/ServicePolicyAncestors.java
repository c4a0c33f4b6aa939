package dev.weir.controller.translate;

import dev.weir.controller.model.GatewayApiStatus.PolicyAncestorStatus;
import dev.weir.controller.model.GatewayApiStatus.PolicyStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the ancestors of policies on Services, BackendTLSPolicies and BackendPolicies (GEP-713: for
 * a policy on a Service, the Gateways whose routes send traffic to it) and builds each policy's
 * status, one entry per such Gateway of Weir's classes. A policy that no route of Weir's Gateways
 * uses gets its {@link ServicePolicies#fallbackAncestor} entry, or none. Stateless.
 */
final class ServicePolicyAncestors {

  private ServicePolicyAncestors() {}

  /**
   * @param policies the resolved policies
   * @param gateways Weir's Gateways, "namespace/name"
   * @param httpRoutes every HTTPRoute
   * @param grpcRoutes every GRPCRoute
   * @return one status per policy with at least one ancestor, in policy order
   */
  static List<PolicyStatus> status(
      ServicePolicies policies,
      Set<String> gateways,
      List<HTTPRoute> httpRoutes,
      List<GRPCRoute> grpcRoutes) {
    if (policies.policies().isEmpty()) {
      return List.of(); // the usual case: no need to walk every route's backendRefs
    }
    Map<String, Set<String>> gatewaysByService = new HashMap<>();
    for (HTTPRoute r : httpRoutes) {
      if (r == null || r.getMetadata() == null || r.getSpec() == null) {
        continue;
      }
      List<Ref> refs = new ArrayList<>();
      for (HTTPRouteRule rule :
          Objects.requireNonNullElse(r.getSpec().getRules(), List.<HTTPRouteRule>of())) {
        if (rule != null && rule.getBackendRefs() != null) {
          rule.getBackendRefs()
              .forEach(
                  b -> refs.add(new Ref(b.getGroup(), b.getKind(), b.getNamespace(), b.getName())));
        }
      }
      link(r, r.getSpec().getParentRefs(), refs, gateways, gatewaysByService);
    }
    for (GRPCRoute r : grpcRoutes) {
      if (r == null || r.getMetadata() == null || r.getSpec() == null) {
        continue;
      }
      List<Ref> refs = new ArrayList<>();
      for (GRPCRouteRule rule :
          Objects.requireNonNullElse(r.getSpec().getRules(), List.<GRPCRouteRule>of())) {
        if (rule != null && rule.getBackendRefs() != null) {
          rule.getBackendRefs()
              .forEach(
                  b -> refs.add(new Ref(b.getGroup(), b.getKind(), b.getNamespace(), b.getName())));
        }
      }
      link(r, r.getSpec().getParentRefs(), refs, gateways, gatewaysByService);
    }
    List<PolicyStatus> out = new ArrayList<>();
    for (String key : policies.policies()) {
      TreeSet<String> ancestors = new TreeSet<>();
      for (String service : policies.services(key)) {
        ancestors.addAll(gatewaysByService.getOrDefault(service, Set.of()));
      }
      List<PolicyAncestorStatus> entries = new ArrayList<>();
      for (String g : ancestors) {
        int slash = g.indexOf('/');
        entries.add(
            new PolicyAncestorStatus(
                new ObjectRef("Gateway", g.substring(0, slash), g.substring(slash + 1)),
                policies.conditions(key)));
      }
      if (entries.isEmpty()) {
        policies
            .fallbackAncestor(key)
            .ifPresent(a -> entries.add(new PolicyAncestorStatus(a, policies.conditions(key))));
      }
      if (entries.isEmpty()) {
        continue;
      }
      HasMetadata p = policies.policy(key);
      Long generation = p.getMetadata().getGeneration();
      out.add(
          new PolicyStatus(
              Ingresses.ref(policies.kind(), p), generation == null ? 0 : generation, entries));
    }
    return out;
  }

  /** Records that the Services in {@code backendRefs} are reached through the route's Gateways. */
  private static void link(
      HasMetadata route,
      List<ParentReference> parentRefs,
      List<Ref> backendRefs,
      Set<String> gateways,
      Map<String, Set<String>> gatewaysByService) {
    String ns = Ingresses.namespace(route);
    List<String> parents = new ArrayList<>();
    for (ParentReference p : Objects.requireNonNullElse(parentRefs, List.<ParentReference>of())) {
      if (p == null || !"Gateway".equals(Objects.requireNonNullElse(p.getKind(), "Gateway"))) {
        continue;
      }
      String g = Objects.requireNonNullElse(p.getNamespace(), ns) + "/" + p.getName();
      if (gateways.contains(g)) {
        parents.add(g);
      }
    }
    for (Ref b : backendRefs) {
      boolean service =
          Objects.requireNonNullElse(b.group(), "").isEmpty()
              && "Service".equals(Objects.requireNonNullElse(b.kind(), "Service"));
      if (service && b.name() != null) {
        gatewaysByService
            .computeIfAbsent(
                Objects.requireNonNullElse(b.namespace(), ns) + "/" + b.name(),
                k -> new TreeSet<>())
            .addAll(parents);
      }
    }
  }

  /** A backendRef's identity fields (HTTPRoute and GRPCRoute refs have the same ones). */
  private record Ref(String group, String kind, String namespace, String name) {}
}
