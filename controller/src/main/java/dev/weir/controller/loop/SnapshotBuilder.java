package dev.weir.controller.loop;

import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.state.ClusterState;

/**
 * The pure build step the loop runs: {@code SnapshotPipeline::build} in production, a fake in
 * tests. Must be deterministic and must not throw on user input.
 */
@FunctionalInterface
public interface SnapshotBuilder {

  /**
   * Builds the snapshot (version set, generation 0, nonce "") and the problems for {@code state}.
   */
  BuildResult build(ClusterState state);
}
