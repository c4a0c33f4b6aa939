package dev.weir.bench;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.bench.SyntheticSnapshots.Layout;
import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.compile.IngressOptions;
import dev.weir.controller.compile.SnapshotPipeline;
import dev.weir.controller.state.ClusterState;
import dev.weir.dataplane.config.CompileStep;
import dev.weir.dataplane.config.RuntimeConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU work between a change and its ACK, without the network: the controller's translate,
 * validate and compile of {@code routes} HTTPRoutes ({@link SnapshotPipeline#build}), and the data
 * plane's compile of a snapshot with {@code routes} routes ({@link CompileStep}, what {@code
 * ConfigApplier.apply} runs before it ACKs; binding ports is not included), from nothing and as the
 * next snapshot after a serving one with one route changed. Inputs are built once per trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SnapshotApplyBenchmark {

  /** A generated data-plane snapshot ({@link SyntheticSnapshots#routes}, many hosts). */
  @State(Scope.Benchmark)
  public static class DataplaneInput {
    @Param({"1000", "10000"})
    public int routes;

    ConfigSnapshot snapshot;
    ConfigSnapshot edited;
    RuntimeConfig serving;
    final CompileStep step = new CompileStep();

    @Setup
    public void setUp() {
      snapshot = SyntheticSnapshots.routes(routes, Layout.HOSTS);
      // A change to one route's path, as bench/scale.sh makes: the typical next snapshot.
      ConfigSnapshot.Builder next = snapshot.toBuilder().setVersion("edited");
      next.getRouteTablesBuilder(0)
          .getVirtualHostsBuilder(0)
          .getRoutesBuilder(0)
          .getPathBuilder()
          .setValue("/edited");
      edited = next.build();
      serving = step.compile(snapshot);
    }
  }

  /** A generated cluster of HTTPRoutes ({@link SyntheticGatewayApi}). */
  @State(Scope.Benchmark)
  public static class ControllerInput {
    @Param({"1000", "10000"})
    public int routes;

    /** Endpoints per Service (one Service per ten routes): 100 with 10,000 routes is scale.sh's. */
    @Param({"3"})
    public int endpoints;

    ClusterState state;
    final SnapshotPipeline pipeline = new SnapshotPipeline(IngressOptions.defaults());

    @Setup
    public void setUp() {
      state = SyntheticGatewayApi.state(routes, endpoints);
      int built =
          pipeline.build(state).snapshot().getRouteTablesList().stream()
              .flatMap(t -> t.getVirtualHostsList().stream())
              .mapToInt(v -> v.getRoutesCount())
              .sum();
      if (built < routes) {
        throw new IllegalStateException("the pipeline built " + built + " routes of " + routes);
      }
    }
  }

  @Benchmark
  public RuntimeConfig dataplaneCompile(DataplaneInput in) {
    return in.step.compile(in.snapshot);
  }

  /**
   * The next snapshot after the serving one, one route changed: what a route edit's ACK waits for.
   */
  @Benchmark
  public RuntimeConfig dataplaneRecompile(DataplaneInput in) {
    return in.step.compile(in.edited, in.serving);
  }

  /**
   * The controller's build with a per-Gateway snapshot for the Gateway too, as when a data-plane
   * pod is dedicated to it.
   */
  @Benchmark
  public BuildResult controllerBuildWithGatewaySnapshot(ControllerInput in) {
    return in.pipeline.build(in.state);
  }

  /** The controller's build as it runs with no data-plane pod dedicated to the Gateway. */
  @Benchmark
  public BuildResult controllerBuild(ControllerInput in) {
    return in.pipeline.build(in.state, gateway -> false);
  }
}
