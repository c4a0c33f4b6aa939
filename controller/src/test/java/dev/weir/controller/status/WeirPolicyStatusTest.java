package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.compile.SnapshotPipeline;
import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.PolicyFixtures;
import dev.weir.controller.crd.PolicyStatus;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.state.ClusterState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BackendPolicy and TrafficPolicy status (GEP-713 ancestors) written by {@link
 * GatewayApiStatusWriter} against fabric8's CRUD mock API server, from a real pipeline build.
 */
@EnableKubernetesMockClient(crud = true)
class WeirPolicyStatusTest {

  private static final String WEIR = "weir.dev/gateway-controller";

  KubernetesClient client;

  private GatewayApiStatusWriter writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  private GatewayApiStatusWriter writer(Leadership leadership) {
    writer =
        new GatewayApiStatusWriter(
            client,
            new NodeRegistry(),
            new PublishTarget.Addresses(List.of()),
            WEIR,
            "weir-controller",
            leadership);
    return writer;
  }

  /** Creates the objects and runs the pipeline over what the server holds. */
  private Build build() {
    ClusterState state =
        new ClusterState(
            List.of(),
            List.of(),
            client.services().inAnyNamespace().list().getItems(),
            List.of(),
            List.of(),
            ClusterState.GatewayApiObjects.empty(),
            new ClusterState.WeirPolicies(
                client.resources(BackendPolicy.class).inAnyNamespace().list().getItems(),
                client.resources(TrafficPolicy.class).inAnyNamespace().list().getItems()));
    BuildResult result = new SnapshotPipeline(IngressOptions.defaults()).build(state);
    return new Build(
        result.snapshot(),
        result.problems(),
        state,
        true,
        Instant.now(),
        result.gatewaySnapshots(),
        result.gatewayStatus());
  }

  private void create() {
    Service shop =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("web")
            .withName("shop")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withName("http")
            .withPort(80)
            .endPort()
            .endSpec()
            .build();
    client.services().inNamespace("web").resource(shop).create();
    var backend = client.resources(BackendPolicy.class).inNamespace("web");
    backend.resource(PolicyFixtures.ringHash("web", "sticky", "shop", "x-user")).create();
    BackendPolicy invalid = PolicyFixtures.ringHash("web", "no-key", "shop", null);
    invalid.getSpec().targetRefs.getFirst().sectionName = "http";
    backend.resource(invalid).create();
    backend.resource(PolicyFixtures.backendPolicy("web", "lost", "gone")).create();
    client
        .resources(TrafficPolicy.class)
        .inNamespace("web")
        .resource(PolicyFixtures.trafficPolicy("web", "limits", "Gateway", "gw"))
        .create();
  }

  private PolicyStatus status(Class<BackendPolicy> type, String name) {
    return client.resources(type).inNamespace("web").withName(name).get().getStatus();
  }

  private PolicyStatus trafficStatus(String name) {
    return client
        .resources(TrafficPolicy.class)
        .inNamespace("web")
        .withName(name)
        .get()
        .getStatus();
  }

  private static Condition accepted(PolicyStatus s) {
    assertThat(s).isNotNull();
    PolicyAncestorStatus a = s.ancestors.getFirst();
    assertThat(a.getControllerName()).isEqualTo(WEIR);
    return a.getConditions().stream()
        .filter(c -> c.getType().equals("Accepted"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theLeaderWritesAcceptedInvalidAndTargetNotFound() {
    create();
    writer(Leadership.alwaysLeader("test")).onBuild(build());

    await().atMost(Duration.ofSeconds(10)).until(() -> status(BackendPolicy.class, "lost") != null);
    Condition sticky = accepted(status(BackendPolicy.class, "sticky"));
    assertThat(sticky.getStatus()).isEqualTo("True");
    assertThat(sticky.getReason()).isEqualTo("Accepted");
    PolicyAncestorStatus ancestor = status(BackendPolicy.class, "sticky").ancestors.getFirst();
    assertThat(ancestor.getAncestorRef().getKind()).isEqualTo("Service");
    assertThat(ancestor.getAncestorRef().getGroup()).isEmpty();
    assertThat(ancestor.getAncestorRef().getName()).isEqualTo("shop");

    Condition noKey = accepted(status(BackendPolicy.class, "no-key"));
    assertThat(noKey.getStatus()).isEqualTo("False");
    assertThat(noKey.getReason()).isEqualTo("Invalid");
    assertThat(noKey.getMessage()).contains("hashOn");

    Condition lost = accepted(status(BackendPolicy.class, "lost"));
    assertThat(lost.getReason()).isEqualTo("TargetNotFound");
    assertThat(lost.getLastTransitionTime()).isNotEmpty();

    await().atMost(Duration.ofSeconds(10)).until(() -> trafficStatus("limits") != null);
    Condition limits = accepted(trafficStatus("limits"));
    assertThat(limits.getReason()).isEqualTo("TargetNotFound");
  }

  @Test
  void anEntryOfAnotherControllerIsKept() {
    create();
    BackendPolicy live =
        client.resources(BackendPolicy.class).inNamespace("web").withName("sticky").get();
    PolicyAncestorStatus foreign = new PolicyAncestorStatus();
    foreign.setControllerName("example.com/other");
    foreign.setConditions(List.of());
    live.setStatus(new PolicyStatus());
    live.getStatus().ancestors.add(foreign);
    client.resource(live).updateStatus();

    writer(Leadership.alwaysLeader("test")).onBuild(build());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(BackendPolicy.class, "sticky").ancestors.size() == 2);
    assertThat(status(BackendPolicy.class, "sticky").ancestors)
        .extracting(PolicyAncestorStatus::getControllerName)
        .containsExactly("example.com/other", WEIR);
  }

  @Test
  void aStandbyWritesNothing() {
    create();
    GatewayApiStatusWriter standby = writer(Leadership.elected("standby"));
    standby.onBuild(build());
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> status(BackendPolicy.class, "sticky") == null);
  }
}
