package dev.weir.controller.compile;

import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.IngressTranslation;
import dev.weir.controller.translate.IngressTranslator;
import dev.weir.controller.translate.Problem;
import dev.weir.controller.validate.ConflictValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Runs translate → validate → compile on one {@link ClusterState}: {@link IngressTranslator},
 * {@link ConflictValidator}, then the model assembly and {@link SnapshotCompiler}. Pure and
 * deterministic: the same objects in any order give byte-identical snapshots. Stateless: safe to
 * call from any thread.
 */
public final class SnapshotPipeline {

  private final IngressOptions options;
  private final IngressTranslator translator;

  /**
   * @param options the controller's Ingress settings
   */
  public SnapshotPipeline(IngressOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.translator = new IngressTranslator(options);
  }

  /**
   * Builds the snapshot for {@code state}. Never throws on user input: bad input becomes a problem
   * and the rest is still built.
   *
   * @return the snapshot, with {@code version} set, generation 0 and nonce "", and sorted,
   *     de-duplicated problems
   */
  public BuildResult build(ClusterState state) {
    Objects.requireNonNull(state, "state");
    IngressTranslation validated = ConflictValidator.validate(translator.translate(state));
    List<Problem> problems = new ArrayList<>(new TreeSet<>(validated.problems()));
    return new BuildResult(
        SnapshotCompiler.compile(ModelAssembler.assemble(validated, options)), problems);
  }
}
