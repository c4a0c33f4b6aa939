package dev.weir.controller.compile;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.translate.Problem;
import java.util.List;
import java.util.Objects;

/**
 * What one run of the snapshot pipeline produced: a snapshot whose {@code version} is set (its
 * {@code generation} and {@code nonce} are left for the pusher), and the problems found on the way,
 * sorted.
 *
 * @param snapshot the compiled snapshot
 * @param problems every problem found in the input, sorted
 */
public record BuildResult(ConfigSnapshot snapshot, List<Problem> problems) {

  public BuildResult {
    Objects.requireNonNull(snapshot, "snapshot");
    problems = List.copyOf(problems);
  }
}
