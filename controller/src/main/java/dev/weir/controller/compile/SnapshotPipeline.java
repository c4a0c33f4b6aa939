package dev.weir.controller.compile;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.model.Model;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.GatewayApiTranslation;
import dev.weir.controller.translate.GatewayApiTranslator;
import dev.weir.controller.translate.IngressTranslation;
import dev.weir.controller.translate.IngressTranslator;
import dev.weir.controller.translate.Problem;
import dev.weir.controller.validate.ConflictValidator;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Runs translate → validate → compile on one {@link ClusterState}: {@link IngressTranslator} and
 * {@link ConflictValidator} for Ingresses, {@link GatewayApiTranslator} for the Gateway API, then
 * the model assembly ({@code ModelAssembler}, {@code GatewayAssembler}) and {@link
 * SnapshotCompiler}: one snapshot for shared pods and one per Gateway that has dedicated pods. Pure
 * and deterministic: the same objects in any order give byte-identical snapshots. Stateless: safe
 * to call from any thread.
 */
public final class SnapshotPipeline {

  private final IngressOptions options;
  private final IngressTranslator translator;
  private final GatewayApiTranslator gatewayTranslator;

  /**
   * @param options the controller's settings
   */
  public SnapshotPipeline(IngressOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.translator = new IngressTranslator(options);
    this.gatewayTranslator = new GatewayApiTranslator(options);
  }

  /**
   * Builds the snapshots for {@code state}, with a per-Gateway snapshot for every Gateway. Never
   * throws on user input: bad input becomes a problem and the rest is still built.
   *
   * @return the snapshots, each with {@code version} set, generation 0 and nonce "", sorted,
   *     de-duplicated problems, and the Gateway API status
   */
  public BuildResult build(ClusterState state) {
    return build(state, gateway -> true);
  }

  /**
   * Builds the snapshots for {@code state}, compiling a per-Gateway snapshot only for the Gateways
   * {@code dedicated} accepts: each costs a compile, a hash and the memory of a second copy of that
   * Gateway's clusters, and only pods dedicated to a Gateway ({@code Node.gateway}) read it.
   *
   * @param dedicated which Gateways ("namespace/name") have dedicated pods
   * @return as {@link #build(ClusterState)}; {@link BuildResult#compiled} tells the Gateways left
   *     out
   */
  public BuildResult build(ClusterState state, Predicate<String> dedicated) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(dedicated, "dedicated");
    IngressTranslation validated = ConflictValidator.validate(translator.translate(state));
    Model ingress = ModelAssembler.assemble(validated, options);
    GatewayApiTranslation gateway = gatewayTranslator.translate(state);
    GatewayAssembler.Result shared =
        GatewayAssembler.assemble(gateway, g -> true, Optional.of(ingress));
    TreeSet<Problem> problems = new TreeSet<>(validated.problems());
    problems.addAll(gateway.problems());
    problems.addAll(shared.problems());
    TreeMap<String, ConfigSnapshot> perGateway = new TreeMap<>();
    for (String key : GatewayAssembler.gatewayKeys(gateway)) {
      if (!dedicated.test(key)) {
        continue;
      }
      perGateway.put(
          key,
          SnapshotCompiler.compile(
              GatewayAssembler.assemble(gateway, key::equals, Optional.empty()).model()));
    }
    return new BuildResult(
        SnapshotCompiler.compile(shared.model()),
        perGateway,
        new ArrayList<>(problems),
        gateway.status());
  }
}
