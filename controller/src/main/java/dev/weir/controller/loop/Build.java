package dev.weir.controller.loop;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One completed run of the pipeline, as the loop hands it to its listeners.
 *
 * @param snapshot the snapshot, with its generation set (the generation of the last new version
 *     when {@code changed} is false)
 * @param problems the problems found, sorted
 * @param state the input the snapshot was built from
 * @param changed whether the version differs from the previous build's
 * @param builtAt when the build finished
 */
public record Build(
    ConfigSnapshot snapshot,
    List<Problem> problems,
    ClusterState state,
    boolean changed,
    Instant builtAt) {

  public Build {
    Objects.requireNonNull(snapshot, "snapshot");
    problems = List.copyOf(problems);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(builtAt, "builtAt");
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
        + ", changed="
        + changed
        + "]";
  }
}
