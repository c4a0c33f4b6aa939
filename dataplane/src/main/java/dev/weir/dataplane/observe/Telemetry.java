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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The data plane's observability hub: one Prometheus meter registry per process (or per test
 * runtime), with the JVM, GC and Netty memory meters bound, and the observing filters every
 * listener shares: the request meters, the access log (unless it is off) and, with tracing on
 * ({@link TracingSettings}), the OpenTelemetry SDK ({@link OtlpTracing}) and its filter. Created
 * once at start-up and passed down by constructors; there is no global registry.
 *
 * <p>Thread-safe. {@link #close} at shutdown writes the access-log lines and sends the spans still
 * queued.
 */
public final class Telemetry implements AutoCloseable {

  /** The logger access-log lines go to; LogConfigurator gives it its own raw-line appender. */
  public static final String ACCESS_LOGGER = "weir.access";

  private final PrometheusMeterRegistry registry;
  // Holds GC notification listeners until closed.
  private final JvmGcMetrics gcMetrics;
  private final RequestMetrics requests;
  // Null when the access log is off.
  private final AccessLogFilter accessLog;
  // Null when tracing is off: no SDK, and no filter in the chain.
  private final OtlpTracing tracing;

  private Telemetry(
      PrometheusMeterRegistry registry,
      JvmGcMetrics gcMetrics,
      AccessLogFilter accessLog,
      OtlpTracing tracing) {
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.requests = new RequestMetrics(registry);
    this.accessLog = accessLog;
    this.tracing = tracing;
  }

  /** The process and request meters alone: no access log, no tracing. */
  public static Telemetry create() {
    return create(AccessLogFormat.OFF, TracingSettings.OFF);
  }

  /**
   * The meters, the access log in {@code format} on the {@code weir.access} logger, and tracing as
   * {@code tracing} says: with an endpoint, the OpenTelemetry SDK is started and its filter
   * observes every exchange; without, nothing of it exists.
   */
  public static Telemetry create(AccessLogFormat format, TracingSettings tracing) {
    return create(
        format,
        AccessLogFilter.DEFAULT_QUEUE_CAPACITY,
        LoggerFactory.getLogger(ACCESS_LOGGER)::info,
        tracing);
  }

  /**
   * As {@link #create(AccessLogFormat, TracingSettings)}, with the access log going to {@code
   * sink}.
   *
   * @param queueCapacity lines that may wait for the sink before new ones are dropped
   * @param sink where lines go, one call per line, from the access log's writer thread
   */
  public static Telemetry create(
      AccessLogFormat format, int queueCapacity, Consumer<String> sink, TracingSettings tracing) {
    PrometheusMeterRegistry registry = processRegistry();
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    return new Telemetry(
        registry,
        gcMetrics,
        format == AccessLogFormat.OFF
            ? null
            : new AccessLogFilter(format, queueCapacity, sink, registry),
        tracing.enabled() ? OtlpTracing.start(tracing) : null);
  }

  private static PrometheusMeterRegistry processRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    Gauge.builder("weir.netty.direct.memory.used", PlatformDependent::usedDirectMemory)
        .description("Direct memory Netty holds, pooled buffers included")
        .baseUnit("bytes")
        .register(registry);
    return registry;
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
   * The filters that observe every exchange, first in the chain: the request meters, the access
   * log, then the tracing filter. Their {@code onComplete} runs in reverse order: tracing ends its
   * span (and has set the trace id) before the access log writes its line, and the request meters
   * see the exchange last.
   */
  public List<ProxyFilter> observers() {
    List<ProxyFilter> observers = new ArrayList<>(3);
    observers.add(requests);
    if (accessLog != null) {
      observers.add(accessLog);
    }
    if (tracing != null) {
      observers.add(tracing.filter());
    }
    return List.copyOf(observers);
  }

  /** Every meter now, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Writes what the access log still holds (waiting up to two seconds), then sends the spans still
   * queued and stops the trace exporter, and lets go of the GC listeners and the meters.
   */
  @Override
  public void close() {
    if (accessLog != null) {
      accessLog.close();
    }
    if (tracing != null) {
      tracing.close();
    }
    gcMetrics.close();
    registry.close();
  }
}
