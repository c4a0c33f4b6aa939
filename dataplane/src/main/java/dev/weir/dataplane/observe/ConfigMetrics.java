package dev.weir.dataplane.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The applied config, as the applier publishes it:
 *
 * <ul>
 *   <li>{@code weir_config_generation}: the applied snapshot's generation;
 *   <li>{@code weir_config_info{version}}: 1, for the applied version only;
 *   <li>{@code weir_config_apply_duration_seconds}: how long applies took (compile, bind, swap),
 *       rejected ones included, a histogram.
 * </ul>
 *
 * <p>Called by the applier's thread only (one apply at a time); scrapes read from any thread.
 */
public final class ConfigMetrics {

  // Applies take milliseconds (a big snapshot with many certificates: seconds).
  private static final Duration[] APPLY_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(25),
    Duration.ofMillis(100),
    Duration.ofMillis(500),
    Duration.ofMillis(2500),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final AtomicLong generation = new AtomicLong();
  private final Timer apply;
  private Gauge info;
  private String version;

  public ConfigMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("weir.config.generation", generation, AtomicLong::get)
        .description("The generation of the applied config snapshot")
        .register(registry);
    this.apply =
        Timer.builder("weir.config.apply.duration")
            .description("Time to compile and publish a config snapshot, rejected ones included")
            .serviceLevelObjectives(APPLY_BUCKETS)
            .register(registry);
  }

  /** An apply that started at {@code startNanos} ended, published or rejected. */
  public void applyTook(long startNanos) {
    apply.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** Snapshot {@code version} of {@code generation} is serving now. */
  public void applied(String version, long generation) {
    this.generation.set(generation);
    if (version.equals(this.version)) {
      return;
    }
    if (info != null) {
      registry.remove(info);
    }
    this.version = version;
    info =
        Gauge.builder("weir.config.info", () -> 1)
            .description("1 for the version of the applied config snapshot")
            .tag("version", version)
            .register(registry);
  }
}
