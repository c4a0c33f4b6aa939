package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.observe.TracingSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code --otlp-endpoint}, {@code OTEL_EXPORTER_OTLP_ENDPOINT} and {@code --trace-sampling-ratio}.
 */
class DataplaneTracingFlagsTest {

  private static final Map<String, String> ENV = Map.of("HOSTNAME", "host-1");
  private static final Map<String, String> OTEL_ENV =
      Map.of("HOSTNAME", "host-1", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.obs:4318");

  @Test
  void tracingIsOffWithoutAnEndpoint() {
    TracingSettings t = tracing(List.of(), ENV);

    assertThat(t.enabled()).isFalse();
    assertThat(t.tracesUrl()).isEmpty();
    assertThat(t).isEqualTo(TracingSettings.OFF);
    // A ratio alone does not turn tracing on.
    assertThat(tracing(List.of("--trace-sampling-ratio=0.5"), ENV).enabled()).isFalse();
  }

  @Test
  void standardEnvironmentVariableTurnsTracingOnWithRatioOne() {
    TracingSettings t = tracing(List.of(), OTEL_ENV);

    assertThat(t.enabled()).isTrue();
    assertThat(t.tracesUrl()).contains("http://collector.obs:4318/v1/traces");
    assertThat(t.samplingRatio()).isEqualTo(1.0);
    assertThat(t.exportDelay()).isEqualTo(TracingSettings.DEFAULT_EXPORT_DELAY);
  }

  @Test
  void flagWinsOverTheEnvironmentInBothForms() {
    assertThat(tracing(List.of("--otlp-endpoint", "https://otel:4318/"), OTEL_ENV).tracesUrl())
        .contains("https://otel:4318/v1/traces");
    assertThat(tracing(List.of("--otlp-endpoint=http://10.0.0.7:4318/base"), ENV).tracesUrl())
        .contains("http://10.0.0.7:4318/base/v1/traces");
    // An empty flag turns tracing off whatever the environment says.
    assertThat(tracing(List.of("--otlp-endpoint="), OTEL_ENV).enabled()).isFalse();
  }

  @Test
  void samplingRatioIsAFractionFromZeroToOne() {
    assertThat(tracing(List.of("--trace-sampling-ratio", "0.25"), OTEL_ENV).samplingRatio())
        .isEqualTo(0.25);
    assertThat(tracing(List.of("--trace-sampling-ratio=0"), OTEL_ENV).samplingRatio()).isZero();
    assertThat(tracing(List.of("--trace-sampling-ratio=1"), OTEL_ENV).samplingRatio())
        .isEqualTo(1.0);
    for (String bad : List.of("1.5", "-0.1", "half", "NaN", "")) {
      assertThat(invalid(ENV, "--trace-sampling-ratio=" + bad))
          .isEqualTo("--trace-sampling-ratio must be a number from 0 to 1, got '" + bad + "'");
    }
  }

  @Test
  void badEndpointsAreRejectedNamingTheirSource() {
    for (String bad :
        List.of("collector:4318", "grpc://collector:4317", "http://", "http://h?x=1")) {
      assertThat(invalid(ENV, "--otlp-endpoint=" + bad))
          .startsWith("--otlp-endpoint must be an http(s) URL")
          .endsWith("got '" + bad + "'");
    }
    DataplaneConfig.Parsed parsed =
        DataplaneConfig.parse(
            List.of(), Map.of("HOSTNAME", "h", "OTEL_EXPORTER_OTLP_ENDPOINT", "otel:4318"));
    assertThat(parsed).isInstanceOf(DataplaneConfig.Invalid.class);
    assertThat(((DataplaneConfig.Invalid) parsed).message())
        .startsWith("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL");
  }

  @Test
  void helpDocumentsBothFlags() {
    assertThat(DataplaneConfig.usage())
        .contains("--otlp-endpoint URL")
        .contains("$OTEL_EXPORTER_OTLP_ENDPOINT")
        .contains("--trace-sampling-ratio 0..1")
        .contains("parent-based");
  }

  @Test
  void settingsRejectRatiosOutsideZeroToOne() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    new TracingSettings(
                        Optional.empty(), 1.01, TracingSettings.DEFAULT_EXPORT_DELAY)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static TracingSettings tracing(List<String> args, Map<String, String> env) {
    DataplaneConfig.Parsed parsed = DataplaneConfig.parse(args, env);
    assertThat(parsed).isInstanceOf(DataplaneConfig.Run.class);
    return ((DataplaneConfig.Run) parsed).config().tracing();
  }

  private static String invalid(Map<String, String> env, String... args) {
    DataplaneConfig.Parsed parsed = DataplaneConfig.parse(List.of(args), env);
    assertThat(parsed).isInstanceOf(DataplaneConfig.Invalid.class);
    return ((DataplaneConfig.Invalid) parsed).message();
  }
}
