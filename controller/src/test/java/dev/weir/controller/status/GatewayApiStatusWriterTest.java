package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.ErrorDetail;
import dev.weir.api.config.v1.Node;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.VirtualHost;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.model.GatewayApiStatus.Condition;
import dev.weir.controller.push.ConfigDiscoveryService;
import dev.weir.controller.push.ConfigServer;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status writer against fabric8's CRUD mock API server, with real data-plane nodes: a gRPC
 * server and client in this JVM.
 */
@EnableKubernetesMockClient(crud = true)
class GatewayApiStatusWriterTest {

  private static final String WEIR = "weir.dev/gateway-controller";
  private static final String OLD_TIME = "2020-01-01T00:00:00Z";
  private static final ObjectRef CLASS = new ObjectRef("GatewayClass", "", "weir");
  private static final ObjectRef GW = new ObjectRef("Gateway", "web", "gw");
  private static final ObjectRef ROUTE = new ObjectRef("HTTPRoute", "web", "shop");

  KubernetesClient client;

  private final NodeRegistry registry = new NodeRegistry();
  private final Leadership leadership = Leadership.alwaysLeader("test");
  private final ConfigDiscoveryService service = new ConfigDiscoveryService(registry, leadership);
  private ConfigServer server;
  private ManagedChannel channel;
  private GatewayApiStatusWriter writer;
  private StreamObserver<ConfigRequest> requests;
  private final BlockingQueue<ConfigSnapshot> received = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    server = new ConfigServer(new InetSocketAddress("127.0.0.1", 0), service).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    writer =
        new GatewayApiStatusWriter(
            client,
            registry,
            new PublishTarget.Addresses(List.of("10.0.0.7")),
            WEIR,
            "weir-controller",
            leadership);
    client
        .resources(GatewayClass.class)
        .resource(
            new GatewayClassBuilder()
                .withNewMetadata()
                .withName("weir")
                .endMetadata()
                .withNewSpec()
                .withControllerName(WEIR)
                .endSpec()
                .build())
        .create();
    client
        .resources(Gateway.class)
        .inNamespace("web")
        .resource(
            new GatewayBuilder()
                .withNewMetadata()
                .withName("gw")
                .withNamespace("web")
                .endMetadata()
                .withNewSpec()
                .withGatewayClassName("weir")
                .addNewListener()
                .withName("http")
                .withPort(80)
                .withProtocol("HTTP")
                .endListener()
                .endSpec()
                .withNewStatus()
                .addToConditions(
                    new ConditionBuilder()
                        .withType("Accepted")
                        .withStatus("True")
                        .withReason("Accepted")
                        .withMessage("old")
                        .withObservedGeneration(1L)
                        .withLastTransitionTime(OLD_TIME)
                        .build())
                .endStatus()
                .build())
        .create();
    client
        .resources(HTTPRoute.class)
        .inNamespace("web")
        .resource(
            new HTTPRouteBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace("web")
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("gw")
                .endParentRef()
                .endSpec()
                .withNewStatus()
                .addNewParent()
                .withControllerName("example.com/other")
                .withNewParentRef()
                .withName("theirs")
                .endParentRef()
                .endParent()
                .addNewParent()
                .withControllerName(WEIR)
                .withNewParentRef()
                .withName("stale")
                .endParentRef()
                .endParent()
                .endStatus()
                .build())
        .create();
  }

  @AfterEach
  void stop() throws Exception {
    if (requests != null) {
      requests.onCompleted();
    }
    writer.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void statusFollowsTheDataPlaneFromNoResourcesToProgrammedToInvalid() throws Exception {
    Build first = build("v1");
    service.publish(first.asResult());
    writer.onBuild(first);

    // No pod: NoResources, with observedGeneration, the published address, and route parents.
    await()
        .until(
            () -> programmed(gateway()).map(c -> c.getReason()).orElse("").equals("NoResources"));
    Gateway gw = gateway();
    assertThat(gw.getStatus().getAddresses())
        .extracting(a -> a.getType() + "=" + a.getValue())
        .containsExactly("IPAddress=10.0.0.7");
    assertThat(gw.getStatus().getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    assertThat(condition(gw.getStatus().getConditions(), "Accepted").getLastTransitionTime())
        .as("Accepted stayed True: its transition time is kept")
        .isEqualTo(OLD_TIME);
    assertThat(gw.getStatus().getListeners().getFirst().getAttachedRoutes()).isEqualTo(1);
    assertThat(gw.getStatus().getListeners().getFirst().getSupportedKinds())
        .extracting(k -> k.getKind())
        .containsExactly("HTTPRoute");
    await().until(() -> route().getStatus().getParents().size() == 2);
    assertThat(route().getStatus().getParents())
        .extracting(p -> p.getControllerName() + " " + p.getParentRef().getName())
        .as("the stale Weir entry is gone, the other controller's is kept")
        .containsExactlyInAnyOrder("example.com/other theirs", WEIR + " gw");
    await()
        .until(
            () -> client.resources(GatewayClass.class).withName("weir").get().getStatus() != null);
    assertThat(
            client.resources(GatewayClass.class).withName("weir").get().getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactly("Accepted=True");

    // An identical build rewrites nothing.
    String version = gateway().getMetadata().getResourceVersion();
    String routeVersion = route().getMetadata().getResourceVersion();
    writer.onBuild(first);
    await()
        .during(Duration.ofMillis(400))
        .until(
            () ->
                gateway().getMetadata().getResourceVersion().equals(version)
                    && route().getMetadata().getResourceVersion().equals(routeVersion));

    // A pod connects holding an old version: Pending until it ACKs.
    connect("old");
    ConfigSnapshot got = next();
    await().until(() -> programmed(gateway()).map(c -> c.getReason()).orElse("").equals("Pending"));
    assertThat(programmed(gateway()).orElseThrow().getMessage())
        .isEqualTo("waiting for 1 of 1 data-plane pods to apply version v1");
    send(ConfigRequest.newBuilder().setVersionInfo("v1").setResponseNonce(got.getNonce()));
    await().until(() -> programmed(gateway()).map(c -> c.getStatus()).orElse("").equals("True"));
    assertThat(
            condition(gateway().getStatus().getListeners().getFirst().getConditions(), "Programmed")
                .getStatus())
        .isEqualTo("True");

    // Version 2 is NACKed naming the route: Invalid on the Gateway, Rejected on the route.
    Build second = build("v2");
    service.publish(second.asResult());
    writer.onBuild(second);
    ConfigSnapshot v2 = next();
    send(
        ConfigRequest.newBuilder()
            .setVersionInfo("v1")
            .setResponseNonce(v2.getNonce())
            .setErrorDetail(
                ErrorDetail.newBuilder()
                    .setMessage("route shop-0 has a bad regex")
                    .addResources(
                        ResourceError.newBuilder()
                            .setKind("route")
                            .setName("shop-0")
                            .setReason("bad regex"))));
    await().until(() -> programmed(gateway()).map(c -> c.getReason()).orElse("").equals("Invalid"));
    assertThat(programmed(gateway()).orElseThrow().getMessage())
        .contains("pod weir/pod-1")
        .contains("route shop-0 has a bad regex");
    await()
        .until(
            () ->
                ours(route())
                    .map(p -> condition(p.getConditions(), "Programmed"))
                    .map(c -> c != null && c.getReason().equals("Rejected"))
                    .orElse(false));
    assertThat(condition(ours(route()).orElseThrow().getConditions(), "Programmed").getMessage())
        .contains("pod weir/pod-1")
        .contains("bad regex");
    await()
        .until(
            () ->
                client.v1().events().inNamespace("web").list().getItems().stream()
                    .anyMatch(e -> e.getInvolvedObject().getKind().equals("HTTPRoute")));
  }

  @Test
  void onlyTheLeaderWritesAndANewLeaderWaitsForADataPlaneBeforeWritingProgrammed()
      throws Exception {
    Leadership standby = Leadership.elected("replica-b");
    GatewayApiStatusWriter b =
        new GatewayApiStatusWriter(
            client,
            registry,
            new PublishTarget.Addresses(List.of("10.0.0.7")),
            WEIR,
            "weir-controller",
            standby);
    try (b) {
      Build first = build("v1");
      service.publish(first.asResult());
      b.onBuild(first);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> programmed(gateway()).isEmpty());

      // Leading, but no data plane yet: writing now would claim NoResources for a served Gateway.
      standby.startLeading();
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> programmed(gateway()).isEmpty());
      connect("v1"); // the pod already holds v1, from the old leader
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> programmed(gateway()).map(c -> c.getStatus()).orElse("").equals("True"));

      standby.stopLeading();
      Build second = build("v2");
      service.publish(second.asResult());
      b.onBuild(second);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> programmed(gateway()).map(c -> c.getStatus()).orElse("").equals("True"));
    }
  }

  private Build build(String version) {
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder()
            .setVersion(version)
            .addRouteTables(
                RouteTable.newBuilder()
                    .setName("gateway/80")
                    .addVirtualHosts(
                        VirtualHost.newBuilder()
                            .setName("any")
                            .addDomains("*")
                            .addRoutes(
                                Route.newBuilder()
                                    .setName("shop-0")
                                    .setSource("HTTPRoute web/shop"))))
            .build();
    Condition accepted = new Condition("Accepted", true, "Accepted", "accepted by Weir");
    Condition programmed = new Condition("Programmed", true, "Programmed", "valid");
    GatewayApiStatus status =
        new GatewayApiStatus(
            List.of(
                new GatewayApiStatus.GatewayClassStatus(CLASS, 1, List.of(accepted), List.of())),
            List.of(
                new GatewayApiStatus.GatewayStatus(
                    GW,
                    3,
                    List.of(accepted, programmed),
                    List.of(
                        new GatewayApiStatus.ListenerStatus(
                            "http", 1, List.of("HTTPRoute"), List.of(accepted, programmed))),
                    List.of())),
            List.of(
                new GatewayApiStatus.RouteStatus(
                    ROUTE,
                    2,
                    List.of(
                        new GatewayApiStatus.RouteParentStatus(
                            new ObjectRef("Gateway", "web", "gw"), "", 0, List.of(accepted))))));
    ClusterState state =
        new ClusterState(
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            new ClusterState.GatewayApiObjects(
                List.of(), List.of(gateway()), List.of(route()), List.of(), List.of()));
    return new Build(
        snapshot.toBuilder().setGeneration(version.equals("v1") ? 1 : 2).build(),
        List.of(),
        state,
        true,
        Instant.now(),
        new TreeMap<>(),
        status);
  }

  private Gateway gateway() {
    return client.resources(Gateway.class).inNamespace("web").withName("gw").get();
  }

  private HTTPRoute route() {
    return client.resources(HTTPRoute.class).inNamespace("web").withName("shop").get();
  }

  private static Optional<io.fabric8.kubernetes.api.model.Condition> programmed(Gateway g) {
    if (g.getStatus() == null || g.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(condition(g.getStatus().getConditions(), "Programmed"));
  }

  private static Optional<RouteParentStatus> ours(HTTPRoute r) {
    return r.getStatus().getParents().stream()
        .filter(p -> WEIR.equals(p.getControllerName()))
        .findFirst();
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      List<io.fabric8.kubernetes.api.model.Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
  }

  private void connect(String version) {
    requests =
        ConfigDiscoveryGrpc.newStub(channel).stream(
            new StreamObserver<>() {
              @Override
              public void onNext(ConfigSnapshot value) {
                received.add(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    send(
        ConfigRequest.newBuilder()
            .setNode(
                Node.newBuilder()
                    .setId("node-1")
                    .setPod("pod-1")
                    .setNamespace("weir")
                    .setRole(Node.Role.GATEWAY))
            .setVersionInfo(version));
  }

  private synchronized void send(ConfigRequest.Builder request) {
    requests.onNext(request.build());
  }

  private ConfigSnapshot next() throws InterruptedException {
    ConfigSnapshot s = received.poll(5, TimeUnit.SECONDS);
    assertThat(s).as("a snapshot within 5 s").isNotNull();
    return s;
  }
}
