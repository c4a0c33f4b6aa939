package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.loop.Build;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.push.NodeState;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DataPlaneStatusTest {

  private static final ObjectRef GW = new ObjectRef("Gateway", "web", "gw");
  private static final Condition PROGRAMMED =
      new Condition("Programmed", true, "Programmed", "valid");

  @Test
  void podsOfAGatewayAreItsDedicatedAndSharedNodesEachOnItsOwnTarget() {
    Build build = build(PROGRAMMED);
    List<NodeState> nodes =
        List.of(
            node("shared", "", "shared-v"),
            node("dedicated", "web/gw", "old"),
            node("other", "web/other", "whatever"),
            disconnected("gone", "web/gw"));

    Condition c = programmed(DataPlaneStatus.apply(build, nodes));

    assertThat(c.status()).isFalse();
    assertThat(c.reason()).isEqualTo("Pending");
    assertThat(c.message()).isEqualTo("waiting for 1 of 2 data-plane pods to apply version gw-v");

    Condition done =
        programmed(
            DataPlaneStatus.apply(
                build,
                List.of(node("shared", "", "shared-v"), node("dedicated", "web/gw", "gw-v"))));
    assertThat(done.status()).isTrue();
  }

  @Test
  void translationThatCannotProgramKeepsItsReason() {
    Condition invalid = new Condition("Programmed", false, "Invalid", "no valid listener");
    Condition c =
        programmed(DataPlaneStatus.apply(build(invalid), List.of(node("shared", "", "shared-v"))));
    assertThat(c).isEqualTo(invalid);
  }

  private static Condition programmed(DataPlaneStatus.Result r) {
    return r.status().gateways().getFirst().conditions().stream()
        .filter(c -> c.type().equals("Programmed"))
        .findFirst()
        .orElseThrow();
  }

  private static Build build(Condition programmed) {
    GatewayApiStatus status =
        new GatewayApiStatus(
            List.of(),
            List.of(
                new GatewayApiStatus.GatewayStatus(
                    GW, 1, List.of(programmed), List.of(), List.of())),
            List.of());
    return new Build(
        ConfigSnapshot.newBuilder().setVersion("shared-v").build(),
        List.of(),
        ClusterState.empty(),
        true,
        Instant.now(),
        new TreeMap<>(Map.of("web/gw", ConfigSnapshot.newBuilder().setVersion("gw-v").build())),
        status);
  }

  private static NodeState node(String id, String gateway, String acked) {
    return new NodeState(
        id,
        "pod-" + id,
        "weir",
        "GATEWAY",
        "",
        gateway,
        true,
        acked,
        1,
        null,
        -1,
        null,
        Instant.now());
  }

  private static NodeState disconnected(String id, String gateway) {
    return new NodeState(
        id,
        "pod-" + id,
        "weir",
        "GATEWAY",
        "",
        gateway,
        false,
        "",
        0,
        null,
        -1,
        null,
        Instant.now());
  }
}
