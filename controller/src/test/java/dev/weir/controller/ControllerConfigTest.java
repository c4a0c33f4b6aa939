package dev.weir.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.controller.leader.LeaderElectionSettings;
import dev.weir.controller.translate.ObjectRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControllerConfigTest {

  @Test
  void defaultsMatchTheDocumentedOnes() {
    ControllerConfig c = ControllerConfig.parse();

    assertThat(c.localMode()).isFalse();
    assertThat(c.kubeconfig()).isEmpty();
    assertThat(c.namespace()).isEmpty();
    assertThat(c.grpcAddress()).isEqualTo("0.0.0.0");
    assertThat(c.grpcPort()).isEqualTo(18000);
    assertThat(c.adminAddress()).isEqualTo("127.0.0.1");
    assertThat(c.adminPort()).isEqualTo(18001);
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.httpsPort()).isEqualTo(8443);
    assertThat(c.controllerName()).isEqualTo("weir.dev/ingress-controller");
    assertThat(c.gatewayControllerName()).isEqualTo("weir.dev/gateway-controller");
    assertThat(c.publishAddresses()).isEmpty();
    assertThat(c.publishService()).isEmpty();
    assertThat(c.debounce()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.maxDelay()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void leaderElectionIsOnWhenWatchingAClusterWithThePodsIdentity() {
    ControllerConfig c =
        ControllerConfig.parse(Map.of("POD_NAME", "weir-controller-7f9", "POD_NAMESPACE", "weir"));

    LeaderElectionSettings s = c.leaderElection().orElseThrow();
    assertThat(s.namespace()).isEqualTo("weir");
    assertThat(s.leaseName()).isEqualTo("weir-controller");
    assertThat(s.identity()).matches("weir-controller-7f9_[0-9a-f]{4}");
    assertThat(s.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(ControllerConfig.parse(Map.of("HOSTNAME", "h")).leaderElection().orElseThrow())
        .satisfies(d -> assertThat(d.namespace()).isEqualTo("default"))
        .satisfies(d -> assertThat(d.identity()).startsWith("h_"));

    LeaderElectionSettings custom =
        ControllerConfig.parse(
                Map.of("POD_NAMESPACE", "weir"),
                "--leader-election-namespace=ops",
                "--leader-election-id=lock",
                "--lease-duration-ms=3000",
                "--renew-deadline-ms=2000",
                "--retry-period-ms=500")
            .leaderElection()
            .orElseThrow();
    assertThat(custom.namespace()).isEqualTo("ops");
    assertThat(custom.leaseName()).isEqualTo("lock");
    assertThat(custom.leaseDuration()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void leaderElectionIsOffInLocalModeOrWhenTurnedOffAndBadTimingsAreRejected() {
    assertThat(ControllerConfig.parse("--manifests", "examples").leaderElection()).isEmpty();
    assertThat(ControllerConfig.parse("--leader-elect", "false").leaderElection()).isEmpty();
    assertThatThrownBy(() -> ControllerConfig.parse("--leader-elect", "yes"))
        .hasMessageContaining("--leader-elect must be true or false");
    assertThatThrownBy(() -> ControllerConfig.parse("--renew-deadline-ms", "20000"))
        .hasMessageContaining("the lease duration must exceed the renew deadline");
    assertThatThrownBy(() -> ControllerConfig.parse("--retry-period-ms", "9000"))
        .hasMessageContaining("1.2");
  }

  @Test
  void flagsTakeSpaceOrEqualsSeparatedValues() {
    ControllerConfig c =
        ControllerConfig.parse(
            "--manifests",
            "examples",
            "--namespace=shop",
            "--grpc-port",
            "0",
            "--admin-port=0",
            "--http-port",
            "80",
            "--https-port",
            "443",
            "--controller-name",
            "example.com/x",
            "--publish-address",
            "10.0.0.1, lb.example.com",
            "--debounce-ms",
            "20",
            "--debounce-max-ms",
            "40");

    assertThat(c.manifests()).contains(Path.of("examples"));
    assertThat(c.localMode()).isTrue();
    assertThat(c.namespace()).contains("shop");
    assertThat(c.grpcPort()).isZero();
    assertThat(c.adminPort()).isZero();
    assertThat(c.ingressOptions().httpPort()).isEqualTo(80);
    assertThat(c.ingressOptions().httpsPort()).isEqualTo(443);
    assertThat(c.ingressOptions().controllerName()).isEqualTo("example.com/x");
    assertThat(c.publishAddresses()).containsExactly("10.0.0.1", "lb.example.com");
    assertThat(c.debounce()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.maxDelay()).isEqualTo(Duration.ofMillis(40));
  }

  @Test
  void publishServiceIsANamespacedName() {
    assertThat(ControllerConfig.parse("--publish-service", "weir/gateway").publishService())
        .isEqualTo(Optional.of(new ObjectRef("Service", "weir", "gateway")));
    assertThatThrownBy(() -> ControllerConfig.parse("--publish-service", "gateway"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NS/NAME");
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    assertThat(ControllerConfig.wantsHelp("--grpc-port", "1", "--help")).isTrue();
    assertThat(ControllerConfig.wantsHelp("--grpc-port", "1")).isFalse();
    String usage = ControllerConfig.usage();
    for (String flag :
        new String[] {
          "--manifests", "--kubeconfig", "--namespace", "--grpc-address", "--grpc-port",
          "--admin-address", "--admin-port", "--http-port", "--https-port", "--controller-name",
          "--gateway-controller-name", "--publish-address", "--publish-service", "--debounce-ms",
              "--help"
        }) {
      assertThat(usage).contains(flag);
    }
    assertThat(usage).contains("(default weir.dev/gateway-controller)");
    assertThat(
            ControllerConfig.parse("--gateway-controller-name=example.com/gw")
                .gatewayControllerName())
        .isEqualTo("example.com/gw");
    assertThat(usage).contains("(default 18000)").contains("(default 127.0.0.1)");
  }

  @Test
  void badFlagsFailWithOneLine() {
    assertThatThrownBy(() -> ControllerConfig.parse("--grpc-prot", "1"))
        .hasMessage("unknown flag --grpc-prot");
    assertThatThrownBy(() -> ControllerConfig.parse("--grpc-port"))
        .hasMessage("--grpc-port needs a value (PORT)");
    assertThatThrownBy(() -> ControllerConfig.parse("--grpc-port", "x"))
        .hasMessage("--grpc-port needs a number, got 'x'");
    assertThatThrownBy(() -> ControllerConfig.parse("--admin-port", "70000"))
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> ControllerConfig.parse("--manifests", "a", "--kubeconfig", "b"))
        .hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> ControllerConfig.parse("--debounce-ms", "600"))
        .hasMessageContaining("--debounce-max-ms");
  }
}
