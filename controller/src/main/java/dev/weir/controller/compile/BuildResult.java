package dev.weir.controller.compile;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.translate.Problem;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one run of the snapshot pipeline produced. Each snapshot has its {@code version} set (its
 * {@code generation} and {@code nonce} are left for the pusher).
 *
 * @param snapshot the snapshot for shared pods (no {@code Node.gateway}): Weir's Ingresses and
 *     every Gateway of Weir's classes
 * @param gatewaySnapshots per Gateway ("namespace/name"), the snapshot for the pods dedicated to
 *     it: that Gateway's listeners and routes only; a build may leave out Gateways that no pod is
 *     dedicated to (see {@link #compiled})
 * @param problems every problem found in the input, sorted
 * @param gatewayStatus the Gateway API status the input calls for
 */
public record BuildResult(
    ConfigSnapshot snapshot,
    SortedMap<String, ConfigSnapshot> gatewaySnapshots,
    List<Problem> problems,
    GatewayApiStatus gatewayStatus) {

  public BuildResult {
    Objects.requireNonNull(snapshot, "snapshot");
    gatewaySnapshots = Collections.unmodifiableSortedMap(new TreeMap<>(gatewaySnapshots));
    problems = List.copyOf(problems);
    Objects.requireNonNull(gatewayStatus, "gatewayStatus");
  }

  /** A result with no Gateway API part. */
  public BuildResult(ConfigSnapshot snapshot, List<Problem> problems) {
    this(snapshot, new TreeMap<>(), problems, GatewayApiStatus.empty());
  }

  /**
   * The snapshot for a pod that serves {@code gateway} ("namespace/name", or "" for a shared pod);
   * a Gateway that does not exist (or is not Weir's) gets an empty snapshot.
   */
  public ConfigSnapshot snapshotFor(String gateway) {
    if (gateway.isEmpty()) {
      return snapshot;
    }
    ConfigSnapshot s = gatewaySnapshots.get(gateway);
    return s != null ? s : EMPTY;
  }

  /**
   * Whether {@link #snapshotFor} gives the real snapshot for pods that serve {@code gateway}: true
   * for shared pods (""), a Gateway compiled in this build, and a name that is not one of Weir's
   * Gateways (its pods get the empty snapshot); false for a Weir Gateway this build left out
   * because no pod was dedicated to it, whose pods must wait for a build that includes it.
   */
  public boolean compiled(String gateway) {
    if (gateway.isEmpty() || gatewaySnapshots.containsKey(gateway)) {
      return true;
    }
    for (GatewayApiStatus.GatewayStatus g : gatewayStatus.gateways()) {
      if (gateway.equals(g.ref().namespace() + "/" + g.ref().name())) {
        return false;
      }
    }
    return true;
  }

  private static final ConfigSnapshot EMPTY =
      ConfigSnapshot.newBuilder()
          .setVersion(SnapshotCompiler.versionOf(ConfigSnapshot.getDefaultInstance()))
          .build();
}
