package dev.weir.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.source.ChangeListener;
import dev.weir.controller.source.KubernetesSource;
import dev.weir.controller.source.ObjectStore;
import dev.weir.controller.translate.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link ApiPermission#required()} tells the truth about what a started {@link
 * KubernetesSource} lists and watches: the resources of the requests it really sends to fabric8's
 * mock API server are exactly {@link KubernetesSource#WATCHED_TYPES}.
 */
@EnableKubernetesMockClient(crud = true)
class ApiPermissionTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void watchedTypesAreExactlyWhatAStartedSourceListsAndWatches() throws Exception {
    KubernetesSource source = new KubernetesSource(client, Optional.empty(), new ObjectStore());
    try {
      source.start(
          new ChangeListener() {
            @Override
            public void objectChanged(ObjectRef ref) {}

            @Override
            public void resynced() {}
          });
      await().atMost(Duration.ofSeconds(10)).until(source::hasSynced);
      Set<String> requested = new TreeSet<>();
      RecordedRequest request;
      while ((request = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
        requested.add(resourceOf(request.getPath()));
      }
      Set<String> declared =
          KubernetesSource.WATCHED_TYPES.stream()
              .map(t -> HasMetadata.getGroup(t) + "/" + HasMetadata.getPlural(t))
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(requested).isEqualTo(declared);
    } finally {
      source.close();
    }
  }

  @Test
  void everyWatchedKindIsReadableAndOnlyStatusEventsAndLeasesAreWritable() {
    List<ApiPermission> all = ApiPermission.required();
    for (Class<? extends HasMetadata> t : KubernetesSource.WATCHED_TYPES) {
      assertThat(all)
          .as("%s", t.getSimpleName())
          .anySatisfy(
              p -> {
                assertThat(p.apiGroup()).isEqualTo(HasMetadata.getGroup(t));
                assertThat(p.resource()).isEqualTo(HasMetadata.getPlural(t));
                assertThat(p.verbs()).containsExactlyInAnyOrder("get", "list", "watch");
              });
    }
    assertThat(all)
        .filteredOn(p -> !p.verbs().stream().allMatch(ApiPermission.READ::contains))
        .allSatisfy(
            p ->
                assertThat(
                        p.resource().endsWith("/status")
                            || p.resource().equals("events")
                            || p.resource().equals("leases"))
                    .as(p.toString())
                    .isTrue());
    assertThat(all)
        .contains(
            new ApiPermission("", "events", new TreeSet<>(Set.of("create"))),
            new ApiPermission(
                "coordination.k8s.io", "leases", new TreeSet<>(Set.of("get", "create", "patch"))),
            new ApiPermission(
                "networking.k8s.io", "ingresses/status", new TreeSet<>(Set.of("patch"))));
  }

  /** {@code /apis/G/V[/namespaces/NS]/PLURAL?...} or {@code /api/v1/...} as {@code G/PLURAL}. */
  private static String resourceOf(String path) {
    String[] segments = path.replaceFirst("\\?.*", "").substring(1).split("/");
    int at = segments[0].equals("api") ? 2 : 3;
    String group = segments[0].equals("api") ? "" : segments[1];
    if (segments.length > at + 2 && segments[at].equals("namespaces")) {
      at += 2;
    }
    return group + "/" + segments[at];
  }
}
