package dev.weir.controller;

import dev.weir.controller.source.KubernetesSource;
import dev.weir.controller.status.GatewayApiStatusWriter;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One RBAC permission the controller needs in a cluster: verbs on a resource (or a subresource,
 * {@code gateways/status}) of an API group ({@code ""} for the core group). {@link #required()}
 * lists them all, from the lists the watching and writing classes publish, so that the Helm chart's
 * ClusterRole can be compared with the code (the packaging module's RBAC test): it must grant
 * exactly these, nothing missing and nothing more.
 *
 * <p>Immutable; thread-safe.
 *
 * @param apiGroup the API group, {@code ""} for core
 * @param resource the resource's plural, or {@code plural/subresource}
 * @param verbs the verbs, sorted
 */
public record ApiPermission(String apiGroup, String resource, SortedSet<String> verbs) {

  /** Read access for a watched kind: the informer lists and watches; writers re-read by name. */
  static final Set<String> READ = Set.of("get", "list", "watch");

  public ApiPermission {
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    verbs = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(verbs));
  }

  /**
   * Every permission the controller uses against a cluster, merged per group and resource and
   * sorted by group, then resource.
   *
   * <ul>
   *   <li>{@link KubernetesSource#WATCHED_TYPES}: get, list, watch;
   *   <li>{@link GatewayApiStatusWriter#STATUS_TYPES}: update on {@code <plural>/status} ({@code
   *       updateStatus} is a PUT);
   *   <li>Ingress: patch on {@code ingresses/status} ({@code IngressStatusWriter} uses fabric8's
   *       {@code editStatus}, a JSON patch of the status subresource);
   *   <li>core Events: create ({@code WarningEvents}; it never updates or deletes one);
   *   <li>coordination.k8s.io Leases: get, create, and patch (fabric8's {@code LeaseLock} reads the
   *       Lease, creates it when absent, and renews or takes it over with a patch carrying the
   *       resourceVersion, so a stale writer gets 409).
   * </ul>
   *
   * @return the permissions, one per group and resource
   */
  public static List<ApiPermission> required() {
    Map<String, SortedSet<String>> byKey = new TreeMap<>();
    for (Class<? extends HasMetadata> type : KubernetesSource.WATCHED_TYPES) {
      add(byKey, type, "", READ);
    }
    for (Class<? extends HasMetadata> type : GatewayApiStatusWriter.STATUS_TYPES) {
      add(byKey, type, "/status", Set.of("update"));
    }
    add(byKey, Ingress.class, "/status", Set.of("patch"));
    add(byKey, Event.class, "", Set.of("create"));
    add(byKey, Lease.class, "", Set.of("get", "create", "patch"));
    List<ApiPermission> out = new ArrayList<>();
    byKey.forEach(
        (key, verbs) -> {
          int bar = key.indexOf('|');
          out.add(new ApiPermission(key.substring(0, bar), key.substring(bar + 1), verbs));
        });
    out.sort(Comparator.comparing(ApiPermission::apiGroup).thenComparing(ApiPermission::resource));
    return List.copyOf(out);
  }

  private static void add(
      Map<String, SortedSet<String>> byKey,
      Class<? extends HasMetadata> type,
      String subresource,
      Set<String> verbs) {
    String key = HasMetadata.getGroup(type) + "|" + HasMetadata.getPlural(type) + subresource;
    byKey.computeIfAbsent(key, k -> new TreeSet<>()).addAll(verbs);
  }
}
