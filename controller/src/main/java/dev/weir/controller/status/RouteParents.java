package dev.weir.controller.status;

import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes a route's {@code status.parents}: other controllers' entries as they are, then one entry
 * per parent the desired status lists for the route (Weir's stale entries are dropped). Each
 * entry's {@code parentRef} is copied from the route's spec when one matches, as conformance
 * compares it with the spec's. Stateless.
 */
final class RouteParents {

  private final String controllerName;

  RouteParents(String controllerName) {
    this.controllerName = Objects.requireNonNull(controllerName, "controllerName");
  }

  /**
   * @param route the live route
   * @param status the desired status of every route
   * @param stored the route's current parents (may be null)
   */
  List<RouteParentStatus> merge(
      HasMetadata route, GatewayApiStatus status, List<RouteParentStatus> stored, Instant now) {
    ObjectRef ref = ObjectStore.refOf(route);
    List<RouteParentStatus> out = new ArrayList<>();
    if (stored != null) {
      stored.stream().filter(p -> !controllerName.equals(p.getControllerName())).forEach(out::add);
    }
    GatewayApiStatus.RouteStatus desired =
        status.routes().stream().filter(r -> r.ref().equals(ref)).findFirst().orElse(null);
    if (desired == null) {
      return out;
    }
    for (GatewayApiStatus.RouteParentStatus p : desired.parents()) {
      ParentReference parentRef = parentRef(route, p);
      RouteParentStatus entry = new RouteParentStatus();
      entry.setControllerName(controllerName);
      entry.setParentRef(parentRef);
      entry.setConditions(
          KubeConditions.merge(
              p.conditions(),
              storedConditions(stored, parentRef),
              desired.observedGeneration(),
              now));
      out.add(entry);
    }
    return out;
  }

  private List<Condition> storedConditions(List<RouteParentStatus> stored, ParentReference ref) {
    if (stored == null) {
      return null;
    }
    return stored.stream()
        .filter(s -> controllerName.equals(s.getControllerName()))
        .filter(s -> Objects.equals(s.getParentRef(), ref))
        .findFirst()
        .map(RouteParentStatus::getConditions)
        .orElse(null);
  }

  /** The spec's parentRef for {@code p}, or one built from it. */
  private static ParentReference parentRef(
      HasMetadata route, GatewayApiStatus.RouteParentStatus p) {
    String routeNs = route.getMetadata().getNamespace();
    List<ParentReference> spec =
        switch (route) {
          case HTTPRoute r -> r.getSpec() == null ? null : r.getSpec().getParentRefs();
          case GRPCRoute r -> r.getSpec() == null ? null : r.getSpec().getParentRefs();
          default -> null;
        };
    if (spec != null) {
      for (ParentReference s : spec) {
        String ns =
            s.getNamespace() == null || s.getNamespace().isEmpty() ? routeNs : s.getNamespace();
        boolean gatewayKind = s.getKind() == null || s.getKind().equals("Gateway");
        if (gatewayKind
            && p.gateway().name().equals(s.getName())
            && p.gateway().namespace().equals(ns)
            && p.sectionName().equals(s.getSectionName() == null ? "" : s.getSectionName())
            && p.port() == (s.getPort() == null ? 0 : s.getPort())) {
          return s;
        }
      }
    }
    ParentReference built = new ParentReference();
    built.setGroup(StatusModels.GROUP);
    built.setKind("Gateway");
    built.setNamespace(p.gateway().namespace());
    built.setName(p.gateway().name());
    if (!p.sectionName().isEmpty()) {
      built.setSectionName(p.sectionName());
    }
    if (p.port() > 0) {
      built.setPort(p.port());
    }
    return built;
  }
}
