package dev.weir.bench;

import dev.weir.dataplane.config.CompileStep;
import dev.weir.dataplane.lb.KeyHash;
import dev.weir.dataplane.lb.LoadBalancer;
import dev.weir.dataplane.lb.PickRequest;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import java.util.Random;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One {@link LoadBalancer#select} of each algorithm, on a cluster the data plane's compile step
 * built ({@link SyntheticSnapshots#balancers}). The hashing balancers get a different user's key
 * each call (1,024 precomputed {@link PickRequest}s: the routing filter hashes once per request,
 * which is not measured here); least request sees in-flight counts of 0 to 7. Run with {@code -prof
 * gc}: {@code gc.alloc.rate.norm} is the bytes a pick allocates ({@link LoadBalancer} promises 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadBalancerPickBenchmark {

  /** The cluster's {@code LoadBalancing.Algorithm}. */
  @Param({"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV"})
  public String algorithm;

  /** Endpoints in the cluster. */
  @Param({"10", "1000"})
  public int endpoints;

  private LoadBalancer<UpstreamEndpoint> balancer;
  private final PickRequest[] picks = new PickRequest[1024];
  private int next;

  @Setup
  public void setUp() {
    CompileStep step = new CompileStep();
    UpstreamCluster cluster =
        step.compile(SyntheticSnapshots.balancers(endpoints)).clusters().get(algorithm);
    balancer = cluster.balancer();
    Random random = new Random(11);
    for (UpstreamEndpoint e : cluster.endpoints()) {
      step.inFlight().counter(e).set(random.nextInt(8));
    }
    boolean hashing = algorithm.equals("RING_HASH") || algorithm.equals("MAGLEV");
    for (int i = 0; i < picks.length; i++) {
      picks[i] = hashing ? PickRequest.ofHash(KeyHash.of("user-" + i)) : PickRequest.NONE;
    }
    if (balancer.select(picks[0]) == null) {
      throw new IllegalStateException(algorithm + " picked nothing");
    }
  }

  @Benchmark
  public void select(Blackhole bh) {
    bh.consume(balancer.select(picks[next++ & 1023]));
  }
}
