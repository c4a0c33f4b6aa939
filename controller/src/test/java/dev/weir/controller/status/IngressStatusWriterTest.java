package dev.weir.controller.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.IngressOwnership;
import dev.weir.controller.translate.ObjectRef;
import dev.weir.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class IngressStatusWriterTest {

  private static final String CONTROLLER = "weir.dev/ingress-controller";

  KubernetesClient client;
  KubernetesMockServer server;
  private IngressStatusWriter writer;
  private Leadership leadership = Leadership.alwaysLeader("test");

  @BeforeEach
  void objects() {
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName("weir")
                .endMetadata()
                .withNewSpec()
                .withController(CONTROLLER)
                .endSpec()
                .build())
        .create();
    create(ingress("shop", "weir"));
    create(ingress("theirs", "nginx"));
  }

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  private IngressStatusWriter writer(PublishTarget target) {
    writer =
        new IngressStatusWriter(
            client, new IngressOwnership(CONTROLLER), target, "weir-test", leadership);
    return writer;
  }

  @Test
  void publishAddressesAreWrittenToOwnedIngressesOnly() {
    writer(new PublishTarget.Addresses(List.of("10.0.0.1", "lb.example.com", "fd00::1")));

    writer.onBuild(build(List.of()));

    await().until(() -> !lb("shop").isEmpty());
    assertThat(lb("shop"))
        .extracting(IngressLoadBalancerIngress::getIp, IngressLoadBalancerIngress::getHostname)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.0.1", null),
            org.assertj.core.groups.Tuple.tuple(null, "lb.example.com"),
            org.assertj.core.groups.Tuple.tuple("fd00::1", null));
    writer.close(); // flushes queued writes
    assertThat(lb("theirs")).isEmpty();
  }

  @Test
  void everyStatusWriteIsCountedByResultAConflictAsSuch() {
    // The API server refuses the first write with 409, as when the Ingress changed since it was
    // read; the informer event that follows brings a new build, whose write succeeds.
    server
        .expect()
        .patch()
        .withPath("/apis/networking.k8s.io/v1/namespaces/default/ingresses/shop/status")
        .andReturn(
            409,
            new StatusBuilder().withCode(409).withReason("Conflict").withMessage("changed").build())
        .once();
    List<String> writes = new CopyOnWriteArrayList<>();
    writer =
        new IngressStatusWriter(
            client,
            new IngressOwnership(CONTROLLER),
            new PublishTarget.Addresses(List.of("10.0.0.1")),
            "weir-test",
            leadership,
            (kind, result) -> writes.add(kind + " " + result.label()));

    writer.onBuild(build(List.of()));
    await().until(() -> writes.contains("Ingress conflict"));
    assertThat(lb("shop")).isEmpty();
    writer.onBuild(build(List.of()));
    await().until(() -> writes.contains("Ingress ok"));

    assertThat(lb("shop")).hasSize(1);
    assertThat(writes).containsExactly("Ingress conflict", "Ingress ok");
  }

  @Test
  void unchangedStatusIsNotRewritten() {
    writer(new PublishTarget.Addresses(List.of("10.0.0.1")));
    writer.onBuild(build(List.of()));
    await().until(() -> !lb("shop").isEmpty());
    String version = get("shop").getMetadata().getResourceVersion();

    writer.onBuild(build(List.of())); // the state now holds the written status
    writer.onBuild(build(List.of()));
    writer.close();

    assertThat(get("shop").getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(lb("shop")).hasSize(1);
  }

  @Test
  void publishServiceUsesItsLoadBalancerElseItsClusterIp() {
    Service svc =
        client
            .services()
            .inNamespace("weir")
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("gateway")
                    .endMetadata()
                    .withNewSpec()
                    .withClusterIP("10.96.0.10")
                    .endSpec()
                    .build())
            .create();
    writer(new PublishTarget.FromService(new ObjectRef("Service", "weir", "gateway")));

    writer.onBuild(build(List.of()));
    await().until(() -> !lb("shop").isEmpty());
    assertThat(lb("shop").getFirst().getIp()).isEqualTo("10.96.0.10");

    svc =
        new ServiceBuilder(svc)
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withHostname("elb.example.com")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    client.services().inNamespace("weir").resource(svc).updateStatus();
    writer.onBuild(build(List.of()));
    await().until(() -> "elb.example.com".equals(lb("shop").getFirst().getHostname()));
    assertThat(lb("shop")).hasSize(1);
  }

  @Test
  void problemOnAnOwnedIngressBecomesOneWarningEvent() {
    writer(new PublishTarget.None());
    Problem problem =
        new Problem(
            new ObjectRef("Ingress", "default", "shop"),
            "ResolvedRefs",
            "BackendNotFound",
            "service default/web not found");
    Problem notOurs =
        new Problem(new ObjectRef("Ingress", "default", "theirs"), "Accepted", "X", "y");

    writer.onBuild(build(List.of(problem, notOurs)));
    writer.onBuild(build(List.of(problem, notOurs)));
    writer.close();

    List<Event> events = client.v1().events().inNamespace("default").list().getItems();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("BackendNotFound");
              assertThat(e.getMessage()).isEqualTo("service default/web not found");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Ingress");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("shop");
              assertThat(e.getInvolvedObject().getUid())
                  .isEqualTo(get("shop").getMetadata().getUid());
            });
  }

  @Test
  void problemThatGoesAwayAndComesBackIsEmittedAgain() {
    writer(new PublishTarget.None());
    Problem problem =
        new Problem(new ObjectRef("Ingress", "default", "shop"), "Accepted", "Invalid", "bad");

    writer.onBuild(build(List.of(problem)));
    writer.onBuild(build(List.of()));
    writer.onBuild(build(List.of(problem)));
    writer.close();

    assertThat(client.v1().events().inNamespace("default").list().getItems()).hasSize(2);
  }

  @Test
  void aStandbyWritesNothingAndTheNewLeaderWritesTheLatestBuildAtOnce() {
    leadership = Leadership.elected("standby");
    writer(new PublishTarget.Addresses(List.of("10.0.0.1")));
    Problem problem =
        new Problem(new ObjectRef("Ingress", "default", "shop"), "Accepted", "Invalid", "bad");

    writer.onBuild(build(List.of(problem)));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> lb("shop").isEmpty() && events().isEmpty());

    leadership.startLeading(); // no new build: the latest one is written
    await().until(() -> !lb("shop").isEmpty() && events().size() == 1);

    leadership.stopLeading();
    Problem another =
        new Problem(new ObjectRef("Ingress", "default", "shop"), "Accepted", "Other", "worse");
    writer.onBuild(build(List.of(problem, another)));
    writer.close(); // flushes queued writes
    assertThat(events()).hasSize(1);
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("default").list().getItems();
  }

  /** A build whose state is what the API server holds now, as an informer would see it. */
  private Build build(List<Problem> problems) {
    ClusterState state =
        new ClusterState(
            client.network().v1().ingressClasses().list().getItems(),
            client.network().v1().ingresses().inAnyNamespace().list().getItems(),
            client.services().inAnyNamespace().list().getItems(),
            List.of(),
            List.of());
    return new Build(
        ConfigSnapshot.newBuilder().setVersion("v").setGeneration(1).build(),
        problems,
        state,
        true,
        Instant.now(),
        new TreeMap<>(),
        GatewayApiStatus.empty());
  }

  private void create(Ingress ingress) {
    client.network().v1().ingresses().inNamespace("default").resource(ingress).create();
  }

  private Ingress get(String name) {
    return client.network().v1().ingresses().inNamespace("default").withName(name).get();
  }

  private List<IngressLoadBalancerIngress> lb(String name) {
    Ingress i = get(name);
    return i.getStatus() == null || i.getStatus().getLoadBalancer() == null
        ? List.of()
        : i.getStatus().getLoadBalancer().getIngress();
  }

  private static Ingress ingress(String name, String className) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(className)
        .addNewRule()
        .withHost(name + ".example.com")
        .endRule()
        .endSpec()
        .build();
  }
}
