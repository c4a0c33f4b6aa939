package dev.weir.controller.observe;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.controller.loop.Build;
import dev.weir.controller.loop.BuildObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller loop's builds as meters:
 *
 * <ul>
 *   <li>{@code weir_controller_rebuild_duration_seconds} (histogram; its count is the number of
 *       builds);
 *   <li>{@code weir_controller_rebuilds_total{result}}: {@code pushed} (a new version) or {@code
 *       unchanged} (every target's version hash was identical, so nothing was pushed);
 *   <li>{@code weir_controller_snapshot_bytes}: the serialized size of what is published, the
 *       shared snapshot plus each Gateway's;
 *   <li>{@code weir_controller_snapshot_generation}.
 * </ul>
 *
 * <p>A new version is also handed to {@link Propagation}. Called on the loop's thread; it only
 * records (snapshot sizes are memoized by protobuf, and the push serializes them anyway).
 */
final class BuildMetrics implements BuildObserver {

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final Propagation propagation;
  private final Timer duration;
  private final Counter pushed;
  private final Counter unchanged;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong generation = new AtomicLong();

  BuildMetrics(MeterRegistry registry, Propagation propagation) {
    this.propagation = propagation;
    this.duration =
        Timer.builder("weir.controller.rebuild.duration")
            .description("How long one run of the pipeline took (state to snapshots)")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    this.pushed = rebuilds(registry, "pushed");
    this.unchanged = rebuilds(registry, "unchanged");
    Gauge.builder("weir.controller.snapshot", bytes, AtomicLong::get)
        .description("Serialized size of the published snapshots, shared and per Gateway")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("weir.controller.snapshot.generation", generation, AtomicLong::get)
        .description("The generation of the published snapshots")
        .strongReference(true)
        .register(registry);
  }

  private static Counter rebuilds(MeterRegistry registry, String result) {
    return Counter.builder("weir.controller.rebuilds")
        .description("Builds, by whether they produced a new version (pushed) or not (unchanged)")
        .tag("result", result)
        .register(registry);
  }

  @Override
  public void publishing(Build build, long firstChangeNanos) {
    propagation.published(build, firstChangeNanos);
  }

  @Override
  public void built(Build build, Duration took) {
    duration.record(took);
    (build.changed() ? pushed : unchanged).increment();
    generation.set(build.generation());
    long size = build.snapshot().getSerializedSize();
    for (ConfigSnapshot s : build.gatewaySnapshots().values()) {
      size += s.getSerializedSize();
    }
    bytes.set(size);
  }
}
