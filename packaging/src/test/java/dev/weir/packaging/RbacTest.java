package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.controller.ApiPermission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC grants exactly what the controller's code uses ({@link
 * ApiPermission#required()}): nothing missing, nothing more.
 */
class RbacTest {

  /**
   * Weir's own policy kinds (weir.dev/v1alpha1 BackendPolicy, TrafficPolicy): the chart grants them
   * for the controller work that watches them and writes their status. Until the controller lists a
   * weir.dev permission these rules are the one tolerated extra; once it lists any, the comparison
   * is exact again.
   */
  private static final Map<String, Set<String>> POLICY_KINDS =
      Map.of(
          "weir.dev/backendpolicies", Set.of("get", "list", "watch"),
          "weir.dev/backendpolicies/status", Set.of("update"),
          "weir.dev/trafficpolicies", Set.of("get", "list", "watch"),
          "weir.dev/trafficpolicies/status", Set.of("update"));

  private final List<HasMetadata> objects = Chart.parse(Chart.render(Map.of()));

  @Test
  void clusterRoleAndLeaseRoleGrantExactlyWhatTheControllerUses() {
    Map<String, SortedSet<String>> granted = new TreeMap<>();
    add(granted, Chart.one(objects, ClusterRole.class, "weir").getRules());
    add(granted, Chart.one(objects, Role.class, "weir-leader-election").getRules());

    Map<String, SortedSet<String>> used = new TreeMap<>();
    for (ApiPermission p : ApiPermission.required()) {
      used.put(p.apiGroup() + "/" + p.resource(), new TreeSet<>(p.verbs()));
    }
    if (used.keySet().stream().noneMatch(k -> k.startsWith("weir.dev/"))) {
      POLICY_KINDS.forEach((k, v) -> used.put(k, new TreeSet<>(v)));
    }
    assertThat(granted).isEqualTo(used);
  }

  @Test
  void leasesAreWritableOnlyInTheReleaseNamespaceAndOnlyTheControllersOwn() {
    ClusterRole cluster = Chart.one(objects, ClusterRole.class, "weir");
    assertThat(cluster.getRules())
        .noneMatch(r -> r.getApiGroups().contains("coordination.k8s.io"))
        .noneMatch(r -> r.getVerbs().contains("*") || r.getResources().contains("*"))
        .noneMatch(
            r -> r.getVerbs().contains("delete") || r.getVerbs().contains("deletecollection"));
    Role leases = Chart.one(objects, Role.class, "weir-leader-election");
    assertThat(leases.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(leases.getRules())
        .filteredOn(r -> r.getVerbs().contains("patch"))
        .singleElement()
        .satisfies(r -> assertThat(r.getResourceNames()).containsExactly("weir-controller"));
  }

  private static void add(Map<String, SortedSet<String>> into, List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      for (String group : r.getApiGroups()) {
        for (String resource : r.getResources()) {
          into.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(r.getVerbs());
        }
      }
    }
  }
}
