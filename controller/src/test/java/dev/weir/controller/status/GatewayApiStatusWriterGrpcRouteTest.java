package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status writer's GRPCRoute parents against fabric8's CRUD mock API server: what one build
 * writes, with no data-plane node involved ({@link GatewayApiStatusWriterTest} covers those).
 */
@EnableKubernetesMockClient(crud = true)
class GatewayApiStatusWriterGrpcRouteTest {

  private static final String WEIR = "weir.dev/gateway-controller";

  KubernetesClient client;

  private GatewayApiStatusWriter writer;

  @BeforeEach
  void start() {
    writer =
        new GatewayApiStatusWriter(
            client,
            new NodeRegistry(),
            new PublishTarget.Addresses(List.of("10.0.0.7")),
            WEIR,
            "weir-controller",
            Leadership.alwaysLeader("test"));
  }

  @AfterEach
  void stop() throws Exception {
    writer.close();
  }

  @Test
  void grpcRouteParentsAreWrittenWithTheirSectionAndKeepOtherControllers() {
    client
        .resources(GRPCRoute.class)
        .inNamespace("web")
        .resource(
            new GRPCRouteBuilder()
                .withNewMetadata()
                .withName("rpc")
                .withNamespace("web")
                .withGeneration(4L)
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("gw")
                .withSectionName("http")
                .endParentRef()
                .endSpec()
                .withNewStatus()
                .addNewParent()
                .withControllerName("example.com/other")
                .withNewParentRef()
                .withName("theirs")
                .endParentRef()
                .endParent()
                .endStatus()
                .build())
        .create();
    GRPCRoute live = grpcRoute();
    GatewayApiStatus status =
        new GatewayApiStatus(
            List.of(),
            List.of(),
            List.of(
                new GatewayApiStatus.RouteStatus(
                    new ObjectRef("GRPCRoute", "web", "rpc"),
                    4,
                    List.of(
                        new GatewayApiStatus.RouteParentStatus(
                            new ObjectRef("Gateway", "web", "gw"),
                            "http",
                            0,
                            List.of(
                                new Condition("Accepted", true, "Accepted", "route accepted"),
                                new Condition(
                                    "ResolvedRefs",
                                    false,
                                    "BackendNotFound",
                                    "backendRef web/ghost: Service web/ghost not found")))))));
    ClusterState state =
        new ClusterState(
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            new ClusterState.GatewayApiObjects(
                List.of(), List.of(), List.of(), List.of(live), List.of()));
    writer.onBuild(
        new Build(
            ConfigSnapshot.newBuilder().setVersion("g1").setGeneration(1).build(),
            List.of(),
            state,
            true,
            Instant.now(),
            new TreeMap<>(),
            status));

    await().until(() -> grpcRoute().getStatus().getParents().size() == 2);
    RouteParentStatus weir =
        grpcRoute().getStatus().getParents().stream()
            .filter(p -> WEIR.equals(p.getControllerName()))
            .findFirst()
            .orElseThrow();
    assertThat(weir.getParentRef().getName()).isEqualTo("gw");
    assertThat(weir.getParentRef().getSectionName()).isEqualTo("http");
    assertThat(weir.getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
        .containsExactly("Accepted=True Accepted", "ResolvedRefs=False BackendNotFound");
    assertThat(weir.getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(4L));
    assertThat(grpcRoute().getStatus().getParents())
        .extracting(RouteParentStatus::getControllerName)
        .contains("example.com/other");
  }

  private GRPCRoute grpcRoute() {
    return client.resources(GRPCRoute.class).inNamespace("web").withName("rpc").get();
  }
}
