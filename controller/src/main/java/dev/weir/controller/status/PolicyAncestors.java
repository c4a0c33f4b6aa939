package dev.weir.controller.status;

import dev.weir.controller.model.GatewayApiStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Merges the wanted status of a policy (BackendTLSPolicy, or Weir's BackendPolicy and
 * TrafficPolicy) into its live {@code status.ancestors} (GEP-713): entries written by other
 * controllers are kept as they are, Weir's entries are replaced by the wanted ones (so an ancestor
 * that no longer applies loses its entry). Stateless apart from the controller name; thread-safe.
 */
final class PolicyAncestors {

  private final String controllerName;

  PolicyAncestors(String controllerName) {
    this.controllerName = Objects.requireNonNull(controllerName, "controllerName");
  }

  /**
   * @param want Weir's wanted status, or null when no Gateway of Weir's uses the policy
   * @param live the policy's current status (may be null)
   */
  PolicyStatus merge(GatewayApiStatus.PolicyStatus want, PolicyStatus live, Instant now) {
    List<PolicyAncestorStatus> stored =
        live == null || live.getAncestors() == null ? List.of() : live.getAncestors();
    List<PolicyAncestorStatus> out = new ArrayList<>();
    stored.stream().filter(a -> !controllerName.equals(a.getControllerName())).forEach(out::add);
    if (want != null) {
      for (GatewayApiStatus.PolicyAncestorStatus a : want.ancestors()) {
        // Ancestors are Gateways; a Weir policy no Gateway reaches names its target instead.
        String kind = a.gateway().kind();
        ParentReference ref =
            new ParentReferenceBuilder()
                .withGroup(kind.equals("Service") ? "" : StatusModels.GROUP)
                .withKind(kind)
                .withNamespace(a.gateway().namespace())
                .withName(a.gateway().name())
                .build();
        PolicyAncestorStatus entry = new PolicyAncestorStatus();
        entry.setAncestorRef(ref);
        entry.setControllerName(controllerName);
        entry.setConditions(
            KubeConditions.merge(
                a.conditions(), storedConditions(stored, ref), want.observedGeneration(), now));
        out.add(entry);
      }
    }
    PolicyStatus s = new PolicyStatus();
    s.setAncestors(out);
    return s;
  }

  private List<Condition> storedConditions(List<PolicyAncestorStatus> stored, ParentReference ref) {
    return stored.stream()
        .filter(s -> controllerName.equals(s.getControllerName()))
        .filter(s -> s.getAncestorRef() != null)
        .filter(
            s ->
                Objects.equals(s.getAncestorRef().getName(), ref.getName())
                    && Objects.equals(s.getAncestorRef().getNamespace(), ref.getNamespace())
                    && Objects.equals(
                        Objects.requireNonNullElse(s.getAncestorRef().getKind(), "Gateway"),
                        ref.getKind()))
        .map(PolicyAncestorStatus::getConditions)
        .findFirst()
        .orElse(null);
  }
}
