package dev.weir.dataplane.observe;

import dev.weir.dataplane.filter.ProxyFilter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.List;

/**
 * The data plane's observability hub: one Prometheus meter registry per process (or per test
 * runtime), with the JVM, GC and Netty memory meters bound, and the request meters every listener
 * shares. Created once at start-up and passed down by constructors; there is no global registry.
 * With tracing on ({@link TracingSettings}), it also owns the OpenTelemetry SDK ({@link
 * OtlpTracing}) and its filter; {@link #close} sends the spans still queued.
 *
 * <p>Thread-safe.
 */
public final class Telemetry implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final RequestMetrics requests;
  // Null when tracing is off: no SDK, and no filter in the chain.
  private final OtlpTracing tracing;

  private Telemetry(PrometheusMeterRegistry registry, OtlpTracing tracing) {
    this.registry = registry;
    this.requests = new RequestMetrics(registry);
    this.tracing = tracing;
  }

  /** A registry with the process meters bound: JVM memory, GC, threads, classes, CPU, Netty. */
  public static Telemetry create() {
    return create(TracingSettings.OFF);
  }

  /**
   * As {@link #create()}, tracing as {@code tracing} says: with an endpoint, the OpenTelemetry SDK
   * is started and its filter observes every exchange; without, nothing of it exists.
   */
  public static Telemetry create(TracingSettings tracing) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    Gauge.builder("weir.netty.direct.memory.used", PlatformDependent::usedDirectMemory)
        .description("Direct memory Netty holds, pooled buffers included")
        .baseUnit("bytes")
        .register(registry);
    return new Telemetry(registry, tracing.enabled() ? OtlpTracing.start(tracing) : null);
  }

  /** Where every meter of the data plane is registered. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The per-request meters, recorded by the first filter of the chain. */
  public RequestMetrics requests() {
    return requests;
  }

  /**
   * The filters that observe every exchange, first in the chain: the request meters, then the
   * tracing filter when tracing is on. (Their {@code onComplete} runs in reverse order, so the
   * request meters see the exchange last.)
   */
  public List<ProxyFilter> observers() {
    return tracing == null ? List.of(requests) : List.of(requests, tracing.filter());
  }

  /** Every meter now, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** Sends the spans still queued and stops the trace exporter, when tracing is on. */
  @Override
  public void close() {
    if (tracing != null) {
      tracing.close();
    }
  }
}
