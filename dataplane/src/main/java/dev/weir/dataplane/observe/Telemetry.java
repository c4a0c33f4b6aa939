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
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The data plane's observability hub: one Prometheus meter registry per process (or per test
 * runtime), with the JVM, GC and Netty memory meters bound, and the request meters every listener
 * shares. Created once at start-up and passed down by constructors; there is no global registry.
 *
 * <p>Thread-safe. {@link #close} at shutdown flushes the access log.
 */
public final class Telemetry implements AutoCloseable {

  /** The logger access-log lines go to; logback.xml gives it its own raw-line appender. */
  public static final String ACCESS_LOGGER = "weir.access";

  private final PrometheusMeterRegistry registry;
  private final RequestMetrics requests;
  private final AccessLogFilter accessLog;

  private Telemetry(PrometheusMeterRegistry registry, AccessLogFilter accessLog) {
    this.registry = registry;
    this.requests = new RequestMetrics(registry);
    this.accessLog = accessLog;
  }

  /**
   * A registry with the process meters bound: JVM memory, GC, threads, classes, CPU, Netty; no
   * access log.
   */
  public static Telemetry create() {
    return new Telemetry(processRegistry(), null);
  }

  /**
   * As {@link #create()}, with the access log in {@code format} on the {@code weir.access} logger.
   */
  public static Telemetry create(AccessLogFormat format) {
    return create(
        format,
        AccessLogFilter.DEFAULT_QUEUE_CAPACITY,
        LoggerFactory.getLogger(ACCESS_LOGGER)::info);
  }

  /**
   * As {@link #create()}, with the access log in {@code format} going to {@code sink}.
   *
   * @param queueCapacity lines that may wait for the sink before new ones are dropped
   * @param sink where lines go, one call per line, from the access log's writer thread
   */
  public static Telemetry create(AccessLogFormat format, int queueCapacity, Consumer<String> sink) {
    PrometheusMeterRegistry registry = processRegistry();
    return new Telemetry(
        registry,
        format == AccessLogFormat.OFF
            ? null
            : new AccessLogFilter(format, queueCapacity, sink, registry));
  }

  private static PrometheusMeterRegistry processRegistry() {
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
   * The filters that observe every exchange, first in the chain: the request meters, then the
   * access log. (Their {@code onComplete} runs in reverse order, so the request meters see the
   * exchange last, and the access log after any observer placed after it.)
   */
  public List<ProxyFilter> observers() {
    return accessLog == null ? List.of(requests) : List.of(requests, accessLog);
  }

  /** Every meter now, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** Writes what the access log still holds (waiting up to two seconds) and stops its writer. */
  @Override
  public void close() {
    if (accessLog != null) {
      accessLog.close();
    }
  }
}
