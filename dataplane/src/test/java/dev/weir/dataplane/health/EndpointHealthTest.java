package dev.weir.dataplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.GrpcHealthCheck;
import dev.weir.api.config.v1.HealthCheck;
import dev.weir.api.config.v1.HttpHealthCheck;
import dev.weir.api.config.v1.OutlierDetection;
import dev.weir.api.config.v1.StatusRange;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointHealthTest {

  private static final HealthCheckSettings CHECK =
      new HealthCheckSettings(new HealthCheckSettings.Tcp(), 1000, 100, 2, 3);

  @Test
  void unhealthyAfterTheUnhealthyThresholdAndHealthyAfterTheHealthyThreshold() {
    EndpointHealth h = new EndpointHealth();
    assertThat(h.available(0)).as("a new endpoint starts healthy").isTrue();
    assertThat(h.recordCheck(false, CHECK)).isFalse();
    assertThat(h.recordCheck(false, CHECK)).isFalse();
    assertThat(h.recordCheck(true, CHECK)).as("a success breaks the run").isFalse();
    h.recordCheck(false, CHECK);
    h.recordCheck(false, CHECK);
    assertThat(h.recordCheck(false, CHECK)).isTrue();
    assertThat(h.available(0)).isFalse();
    assertThat(h.recordCheck(true, CHECK)).isFalse();
    assertThat(h.available(0)).isFalse();
    assertThat(h.recordCheck(true, CHECK)).isTrue();
    assertThat(h.available(0)).isTrue();
  }

  @Test
  void removingTheCheckClearsTheVerdict() {
    EndpointHealth h = new EndpointHealth();
    for (int i = 0; i < 3; i++) {
      h.recordCheck(false, CHECK);
    }
    h.resetActive(false);
    assertThat(h.activelyUnhealthy()).as("a restarted check keeps the verdict").isTrue();
    h.resetActive(true);
    assertThat(h.available(0)).isTrue();
  }

  @Test
  void checkSettingsTakeTheProtocolDefaults() {
    HealthCheckSettings http =
        HealthCheckSettings.from(
            HealthCheck.newBuilder().setHttp(HttpHealthCheck.getDefaultInstance()).build());
    assertThat(http)
        .isEqualTo(
            new HealthCheckSettings(
                new HealthCheckSettings.Http(
                    "/", "", List.of(new HealthCheckSettings.StatusRange(200, 399))),
                5000,
                1000,
                1,
                3));
    HealthCheckSettings.Http custom =
        (HealthCheckSettings.Http)
            HealthCheckSettings.from(
                    HealthCheck.newBuilder()
                        .setHttp(
                            HttpHealthCheck.newBuilder()
                                .setPath("/healthz")
                                .addExpectedStatuses(
                                    StatusRange.newBuilder().setStart(200).setEnd(200))
                                .addExpectedStatuses(
                                    StatusRange.newBuilder().setStart(418).setEnd(418)))
                        .build())
                .probe();
    assertThat(custom.expects(200)).isTrue();
    assertThat(custom.expects(418)).isTrue();
    assertThat(custom.expects(204)).isFalse();
    assertThat(
            HealthCheckSettings.from(
                    HealthCheck.newBuilder()
                        .setGrpc(GrpcHealthCheck.newBuilder().setService("echo"))
                        .setIntervalMs(250)
                        .build())
                .probe())
        .isEqualTo(new HealthCheckSettings.Grpc("echo"));
    assertThat(OutlierSettings.from(OutlierDetection.getDefaultInstance()))
        .isEqualTo(new OutlierSettings(5, 5, 30_000, 10));
  }

  @Test
  void grpcHealthMessagesRoundTrip() throws IOException {
    assertThat(GrpcHealthMessages.request("")).containsExactly(0, 0, 0, 0, 0);
    assertThat(GrpcHealthMessages.request("ab")).containsExactly(0, 0, 0, 0, 4, 0x0a, 2, 'a', 'b');
    assertThat(GrpcHealthMessages.status(new byte[] {0, 0, 0, 0, 2, 0x08, 1})).isEqualTo(1);
    assertThat(GrpcHealthMessages.status(new byte[] {0, 0, 0, 0, 2, 0x08, 2})).isEqualTo(2);
    assertThat(GrpcHealthMessages.status(new byte[] {0, 0, 0, 0, 0})).as("UNKNOWN").isZero();
  }
}
