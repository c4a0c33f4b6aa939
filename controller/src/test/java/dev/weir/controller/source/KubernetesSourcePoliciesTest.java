package dev.weir.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.BackendPolicySpec;
import dev.weir.controller.crd.PolicyFixtures;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link KubernetesSource} and Weir's own policies (weir.dev/v1alpha1). */
@EnableKubernetesMockClient(crud = true)
class KubernetesSourcePoliciesTest {

  KubernetesClient client;
  KubernetesMockServer server;

  private final ObjectStore store = new ObjectStore();
  private final List<ObjectRef> changed = new CopyOnWriteArrayList<>();
  private KubernetesSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private void start() {
    source = new KubernetesSource(client, Optional.empty(), store);
    source.start(
        new ChangeListener() {
          @Override
          public void objectChanged(ObjectRef ref) {
            changed.add(ref);
          }

          @Override
          public void resynced() {}
        });
    await().atMost(Duration.ofSeconds(10)).until(source::hasSynced);
  }

  @Test
  void policiesAreSeenOnCreateUpdateAndDelete() {
    start();
    var backend = client.resources(BackendPolicy.class).inNamespace("web");
    backend.resource(PolicyFixtures.backendPolicy("web", "lb", "shop")).create();
    client
        .resources(TrafficPolicy.class)
        .inNamespace("web")
        .resource(PolicyFixtures.trafficPolicy("web", "limits", "Gateway", "gw"))
        .create();
    ObjectRef lb = new ObjectRef("BackendPolicy", "web", "lb");
    await()
        .until(
            () ->
                store.snapshot().policies().backendPolicies().size() == 1
                    && store.snapshot().policies().trafficPolicies().size() == 1);
    assertThat(changed).contains(lb, new ObjectRef("TrafficPolicy", "web", "limits"));

    backend.resource(PolicyFixtures.ringHash("web", "lb", "shop", "x-user")).update();
    await()
        .until(
            () -> {
              BackendPolicySpec spec =
                  store.snapshot().policies().backendPolicies().getFirst().getSpec();
              return spec.loadBalancer != null
                  && spec.loadBalancer.type == BackendPolicySpec.Algorithm.RingHash
                  && "x-user".equals(spec.loadBalancer.hashOn.header);
            });

    backend.withName("lb").delete();
    await().until(() -> store.get(lb).isEmpty());
  }

  @Test
  void missingWeirCrdsCountAsSyncedAndEmpty() {
    for (String plural : List.of("backendpolicies", "trafficpolicies")) {
      for (String query : List.of("?resourceVersion=0", "")) {
        server
            .expect()
            .get()
            .withPath("/apis/weir.dev/v1alpha1/" + plural + query)
            .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
            .always();
      }
    }
    start();
    assertThat(store.snapshot().policies().backendPolicies()).isEmpty();
    assertThat(store.snapshot().policies().trafficPolicies()).isEmpty();
  }
}
