package dev.weir.dataplane.observe;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK of a data plane that traces: a tracer provider for service {@code
 * weir-dataplane} whose spans go through a {@link BatchSpanProcessor} to an OTLP/HTTP (protobuf)
 * exporter on the JDK's HTTP client, a parent-based ratio sampler, and the W3C trace-context and
 * baggage propagators. It is never registered as {@code GlobalOpenTelemetry}: the {@link
 * TracingFilter} it makes is its only user.
 *
 * <p>Ending a span only queues it (a bounded queue; spans are dropped when it is full), so the
 * event loop never waits on the collector; the processor's own thread sends the batches.
 *
 * <p>Lifecycle: {@link #start} → {@link #close}, which sends what is queued (for up to 10 s) and
 * stops the exporter. Thread-safe.
 */
public final class OtlpTracing implements AutoCloseable {

  /** The {@code service.name} resource attribute of every span. */
  public static final String SERVICE_NAME = "weir-dataplane";

  private static final Logger log = LoggerFactory.getLogger(OtlpTracing.class);

  private final SdkTracerProvider provider;
  private final TracingFilter filter;

  private OtlpTracing(SdkTracerProvider provider, TextMapPropagator propagator) {
    this.provider = provider;
    this.filter = new TracingFilter(provider.get("dev.weir.dataplane"), propagator);
  }

  /**
   * Starts the SDK for {@code settings}, which must be {@link TracingSettings#enabled}. Opens no
   * connection yet: the first batch does.
   */
  public static OtlpTracing start(TracingSettings settings) {
    String url =
        settings
            .tracesUrl()
            .orElseThrow(() -> new IllegalArgumentException("tracing has no endpoint"));
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(url)
            // The exporter's own meters would go to the global meter provider: none here.
            .setMeterProvider(MeterProvider::noop)
            .build();
    BatchSpanProcessor batches =
        BatchSpanProcessor.builder(exporter)
            .setScheduleDelay(settings.exportDelay())
            .setMeterProvider(MeterProvider::noop)
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), SERVICE_NAME))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.samplingRatio())))
            .addSpanProcessor(batches)
            .build();
    // Host and port only: a URL's user info could hold credentials.
    URI endpoint = settings.endpoint().orElseThrow();
    log.info(
        "tracing to {}:{} over OTLP/HTTP, sampling ratio {}",
        endpoint.getHost(),
        endpoint.getPort(),
        settings.samplingRatio());
    TextMapPropagator propagator =
        TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    return new OtlpTracing(provider, propagator);
  }

  /** The filter that traces each exchange through this SDK. */
  public TracingFilter filter() {
    return filter;
  }

  /** Sends the queued spans (waiting up to 10 s) and stops the exporter. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
