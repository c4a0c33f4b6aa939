package dev.weir.controller.loop;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.Problem;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One completed run of the pipeline, as the loop hands it to its listeners.
 *
 * @param snapshot the shared pods' snapshot, with its generation set (the generation of the last
 *     new version when {@code changed} is false)
 * @param problems the problems found, sorted
 * @param state the input the snapshot was built from
 * @param changed whether any target's version differs from the previous build's
 * @param builtAt when the build finished
 * @param gatewaySnapshots per Gateway ("namespace/name"), the snapshot its dedicated pods get (what
 *     was published: a target whose version did not change keeps its published snapshot)
 * @param gatewayStatus the Gateway API status the translation asks for
 */
public record Build(
    ConfigSnapshot snapshot,
    List<Problem> problems,
    ClusterState state,
    boolean changed,
    Instant builtAt,
    SortedMap<String, ConfigSnapshot> gatewaySnapshots,
    GatewayApiStatus gatewayStatus) {

  public Build {
    Objects.requireNonNull(snapshot, "snapshot");
    problems = List.copyOf(problems);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(builtAt, "builtAt");
    gatewaySnapshots = Collections.unmodifiableSortedMap(new TreeMap<>(gatewaySnapshots));
    Objects.requireNonNull(gatewayStatus, "gatewayStatus");
  }

  /**
   * The snapshot published for pods that serve {@code gateway} ("namespace/name", or "" for shared
   * pods), as {@link BuildResult#snapshotFor} defines it.
   */
  public ConfigSnapshot snapshotFor(String gateway) {
    return asResult().snapshotFor(gateway);
  }

  /**
   * Whether this build holds the real snapshot for {@code gateway} ({@link BuildResult#compiled}).
   */
  public boolean compiled(String gateway) {
    // Checked on every node change: the common answers without copying this build.
    return gateway.isEmpty()
        || gatewaySnapshots.containsKey(gateway)
        || asResult().compiled(gateway);
  }

  /** This build as the pipeline's result type (what the push service takes). */
  public BuildResult asResult() {
    return new BuildResult(snapshot, gatewaySnapshots, problems, gatewayStatus);
  }

  /** The snapshot's version. */
  public String version() {
    return snapshot.getVersion();
  }

  /** The snapshot's generation. */
  public long generation() {
    return snapshot.getGeneration();
  }

  @Override
  public String toString() {
    // The snapshot holds key material: never print it.
    return "Build[generation="
        + generation()
        + ", version="
        + version()
        + ", problems="
        + problems.size()
        + ", gateways="
        + gatewaySnapshots.size()
        + ", changed="
        + changed
        + "]";
  }
}
