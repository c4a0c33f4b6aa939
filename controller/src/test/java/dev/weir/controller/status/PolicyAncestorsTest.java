package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyAncestorsTest {

  private final PolicyAncestors ancestors = new PolicyAncestors("weir.dev/gateway-controller");
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private static PolicyAncestorStatus entry(String controller, String gateway) {
    PolicyAncestorStatus a = new PolicyAncestorStatus();
    a.setControllerName(controller);
    a.setAncestorRef(
        new ParentReferenceBuilder()
            .withKind("Gateway")
            .withNamespace("ns")
            .withName(gateway)
            .build());
    a.setConditions(List.of());
    return a;
  }

  /** A live status with one foreign entry and one of ours for Gateway {@code ours}. */
  private static PolicyStatus live(String ours) {
    PolicyStatus live = new PolicyStatus();
    live.setAncestors(
        List.of(
            entry("other.io/controller", "theirs"), entry("weir.dev/gateway-controller", ours)));
    return live;
  }

  @Test
  void foreignEntriesAreKeptAndOursAreReplaced() {
    PolicyStatus live = live("stale");
    GatewayApiStatus.PolicyStatus want =
        new GatewayApiStatus.PolicyStatus(
            new ObjectRef("BackendTLSPolicy", "ns", "p"),
            3,
            List.of(
                new GatewayApiStatus.PolicyAncestorStatus(
                    new ObjectRef("Gateway", "ns", "gw"),
                    List.of(new GatewayApiStatus.Condition("Accepted", true, "Accepted", "ok")))));

    PolicyStatus merged = ancestors.merge(want, live, now);

    assertThat(merged.getAncestors())
        .extracting(a -> a.getControllerName() + " " + a.getAncestorRef().getName())
        .containsExactly("other.io/controller theirs", "weir.dev/gateway-controller gw");
    PolicyAncestorStatus ours = merged.getAncestors().get(1);
    assertThat(ours.getAncestorRef().getGroup()).isEqualTo("gateway.networking.k8s.io");
    assertThat(ours.getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getObservedGeneration()).isEqualTo(3L);
            });
  }

  @Test
  void aPolicyWeNoLongerUseLosesOnlyOurEntries() {
    assertThat(ancestors.merge(null, live("gw"), now).getAncestors())
        .extracting(PolicyAncestorStatus::getControllerName)
        .containsExactly("other.io/controller");
  }
}
