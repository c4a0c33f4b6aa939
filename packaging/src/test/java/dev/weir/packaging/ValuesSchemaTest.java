package dev.weir.packaging;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrong values fail at install time: values.schema.json rejects them before anything renders. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "controller.replicas, 0",
    "controller.replicas, two",
    "dataplane.service.type, Ingress",
    "dataplane.service.httpNodePort, 80",
    "dataplane.httpPort, 70000",
    "logFormat, xml",
    "tracing.endpoint, otel:4318",
    "tracing.samplingRatio, 1.5",
    "tracing.samplingRatio, half",
    "dataplane.accessLog, xml",
    "dataplane.autoscaling.targetCPUUtilizationPercentage, 150",
    "controller.replicaCount, 2",
    "controller.image.pullPolicy, Sometimes",
    "topologySpread.whenUnsatisfiable, Maybe",
  })
  void aWrongValueFailsTheRendering(String key, String value) {
    assertThatThrownBy(() -> Chart.render(Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema");
  }
}
