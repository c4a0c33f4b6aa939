package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.controller.crd.BackendPolicySpec;
import dev.weir.controller.crd.HealthCheckSpec;
import dev.weir.controller.crd.TrafficPolicySpec;
import dev.weir.controller.model.BackendSettings;
import dev.weir.controller.translate.BackendPolicyValidator.InvalidPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link BackendPolicyValidator} and {@link TrafficPolicyValidator}. */
class PolicyValidatorsTest {

  private static BackendPolicySpec maglev(int tableSize) {
    BackendPolicySpec spec = new BackendPolicySpec();
    spec.loadBalancer = new BackendPolicySpec.LoadBalancer();
    spec.loadBalancer.type = BackendPolicySpec.Algorithm.Maglev;
    spec.loadBalancer.hashOn = new BackendPolicySpec.HashOn();
    spec.loadBalancer.hashOn.cookie = "session";
    spec.loadBalancer.tableSize = tableSize;
    return spec;
  }

  @Test
  void maglevTableSizeMustBePrime() throws Exception {
    assertThat(BackendPolicyValidator.check(maglev(65537)).settings().loadBalancing().hashKey())
        .isEqualTo(new BackendSettings.HashKey.Cookie("session"));
    assertThatThrownBy(() -> BackendPolicyValidator.check(maglev(65536)))
        .isInstanceOf(InvalidPolicy.class)
        .hasMessageContaining("prime");
  }

  @Test
  void twoHashKeysAreInvalid() {
    BackendPolicySpec spec = maglev(0);
    spec.loadBalancer.hashOn.sourceIP = true;
    assertThatThrownBy(() -> BackendPolicyValidator.check(spec))
        .hasMessageContaining("exactly one of hashOn");
  }

  @Test
  void expectedStatusesAreCodesOrRanges() throws Exception {
    BackendPolicySpec spec = new BackendPolicySpec();
    spec.healthCheck = new HealthCheckSpec();
    spec.healthCheck.type = HealthCheckSpec.Type.HTTP;
    spec.healthCheck.http = new HealthCheckSpec.Http();
    spec.healthCheck.http.expectedStatuses = List.of("204", "200-299");
    assertThat(BackendPolicyValidator.check(spec).settings().healthCheck().expectedStatuses())
        .containsExactly(
            new BackendSettings.StatusRange(204, 204), new BackendSettings.StatusRange(200, 299));
    spec.healthCheck.http.expectedStatuses = List.of("299-200");
    assertThatThrownBy(() -> BackendPolicyValidator.check(spec))
        .hasMessageContaining("\"299-200\"");
  }

  @Test
  void idleTimeoutMayBeGivenInEitherPlaceButNotTwiceDifferently() throws Exception {
    BackendPolicySpec spec = new BackendPolicySpec();
    spec.timeouts = new BackendPolicySpec.Timeouts();
    spec.timeouts.idle = "90s";
    assertThat(BackendPolicyValidator.check(spec).settings().connectionPool().idleTimeout())
        .isEqualTo(Duration.ofSeconds(90));
    spec.connectionPool = new BackendPolicySpec.ConnectionPool();
    spec.connectionPool.idleTimeout = "1m";
    assertThatThrownBy(() -> BackendPolicyValidator.check(spec)).hasMessageContaining("differ");
  }

  @Test
  void durationsMustFitTheProtocolsMilliseconds() {
    BackendPolicySpec spec = new BackendPolicySpec();
    spec.timeouts = new BackendPolicySpec.Timeouts();
    spec.timeouts.read = "99999h";
    assertThatThrownBy(() -> BackendPolicyValidator.check(spec)).hasMessageContaining("too long");
  }

  @Test
  void cidrsAreParsedWithoutLookingNamesUp() {
    assertThat(TrafficPolicyValidator.isCidr("10.0.0.0/8")).isTrue();
    assertThat(TrafficPolicyValidator.isCidr("2001:db8::/32")).isTrue();
    assertThat(TrafficPolicyValidator.isCidr("192.0.2.7")).isTrue();
    assertThat(TrafficPolicyValidator.isCidr("10.0.0.0/33")).isFalse();
    assertThat(TrafficPolicyValidator.isCidr("999.1.1.1")).isFalse();
    assertThat(TrafficPolicyValidator.isCidr("example.com")).isFalse();
    assertThat(TrafficPolicyValidator.isCidr("::g/64")).isFalse();
  }

  @Test
  void faultInjectionNeedsADelayOrAnAbort() {
    TrafficPolicySpec spec = new TrafficPolicySpec();
    spec.faultInjection = new TrafficPolicySpec.FaultInjection();
    assertThatThrownBy(() -> TrafficPolicyValidator.check(spec))
        .hasMessageContaining("delay or an abort");
    spec.faultInjection.abort = new TrafficPolicySpec.Abort();
    spec.faultInjection.abort.status = 700;
    assertThatThrownBy(() -> TrafficPolicyValidator.check(spec)).hasMessageContaining("200-599");
  }
}
