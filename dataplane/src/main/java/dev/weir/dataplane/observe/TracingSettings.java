package dev.weir.dataplane.observe;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether and where the data plane exports traces: the OTLP base endpoint ({@code --otlp-endpoint},
 * else {@code OTEL_EXPORTER_OTLP_ENDPOINT}), the sampling ratio of new traces ({@code
 * --trace-sampling-ratio}) and how often batches are sent. Tracing is off without an endpoint.
 * Immutable.
 *
 * @param endpoint the OTLP/HTTP base URL ({@code http://collector:4318}), spans go to its {@code
 *     /v1/traces}; empty for no tracing
 * @param samplingRatio the share of new traces (no sampled parent decision) recorded, 0 to 1
 * @param exportDelay the longest a finished span waits before its batch is sent
 */
public record TracingSettings(Optional<URI> endpoint, double samplingRatio, Duration exportDelay) {

  /** The OTLP HTTP path of traces, appended to the base endpoint (OTLP exporter specification). */
  private static final String TRACES_PATH = "v1/traces";

  /** The default batch delay, the OpenTelemetry default of {@code OTEL_BSP_SCHEDULE_DELAY}. */
  public static final Duration DEFAULT_EXPORT_DELAY = Duration.ofSeconds(5);

  /** No tracing. */
  public static final TracingSettings OFF =
      new TracingSettings(Optional.empty(), 1.0, DEFAULT_EXPORT_DELAY);

  public TracingSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(exportDelay, "exportDelay");
    if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
      throw new IllegalArgumentException("samplingRatio must be 0..1, got " + samplingRatio);
    }
    if (exportDelay.isNegative() || exportDelay.isZero()) {
      throw new IllegalArgumentException("exportDelay must be above zero");
    }
  }

  /** Tracing to {@code endpoint} with the default batch delay. */
  public TracingSettings(URI endpoint, double samplingRatio) {
    this(Optional.of(endpoint), samplingRatio, DEFAULT_EXPORT_DELAY);
  }

  /** Whether spans are recorded and exported at all. */
  public boolean enabled() {
    return endpoint.isPresent();
  }

  /** The URL spans are POSTed to: the base endpoint's {@code /v1/traces}; empty when off. */
  public Optional<String> tracesUrl() {
    return endpoint.map(
        uri -> {
          String base = uri.toString();
          return base.endsWith("/") ? base + TRACES_PATH : base + "/" + TRACES_PATH;
        });
  }

  /**
   * The settings a command line and environment give: the endpoint of {@code --otlp-endpoint}, else
   * of {@code OTEL_EXPORTER_OTLP_ENDPOINT} (an empty flag turns tracing off whatever the
   * environment says), and the ratio of {@code --trace-sampling-ratio} (default 1).
   *
   * @param endpointFlag the flag's value, or null when not given
   * @param endpointEnv the environment variable's value, or null when not set
   * @param ratioFlag the sampling ratio flag's value, or null when not given
   * @throws IllegalArgumentException naming the flag or variable and the bad value
   */
  public static TracingSettings parse(String endpointFlag, String endpointEnv, String ratioFlag) {
    String source = endpointFlag != null ? "--otlp-endpoint" : ENDPOINT_ENV;
    String value = endpointFlag != null ? endpointFlag : endpointEnv;
    Optional<URI> endpoint =
        value == null || value.isBlank() ? Optional.empty() : Optional.of(endpoint(source, value));
    return new TracingSettings(
        endpoint, ratioFlag == null ? 1.0 : ratio(ratioFlag), DEFAULT_EXPORT_DELAY);
  }

  /** The standard OpenTelemetry variable of the OTLP base endpoint. */
  public static final String ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT";

  private static double ratio(String value) {
    try {
      double ratio = Double.parseDouble(value.strip());
      if (ratio >= 0 && ratio <= 1) {
        return ratio;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--trace-sampling-ratio must be a number from 0 to 1, got '" + value + "'");
  }

  /** An OTLP base endpoint: an absolute {@code http} or {@code https} URL with a host. */
  private static URI endpoint(String source, String value) {
    try {
      URI uri = new URI(value.strip());
      String scheme = uri.getScheme();
      if (scheme != null
          && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        source + " must be an http(s) URL like http://collector:4318, got '" + value + "'");
  }
}
