package dev.weir.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.Node;
import dev.weir.dataplane.observe.AccessLogFormat;
import dev.weir.dataplane.observe.TracingSettings;
import dev.weir.dataplane.server.Http1Limits;
import dev.weir.dataplane.server.Http2Limits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataplaneConfigTest {

  private static final Map<String, String> ENV = Map.of("HOSTNAME", "host-1");

  @Test
  void defaultsApplyWithNoFlags() {
    DataplaneConfig c = run(List.of(), ENV);

    assertThat(c.controllers())
        .containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 18000));
    assertThat(c.nodeId()).isEqualTo("host-1");
    assertThat(c.pod()).isEmpty();
    assertThat(c.namespace()).isEmpty();
    assertThat(c.role()).isEqualTo(Node.Role.GATEWAY);
    assertThat(c.workload()).isEmpty();
    assertThat(c.probeAddress()).isEqualTo("0.0.0.0");
    assertThat(c.probePort()).isEqualTo(18081);
    assertThat(c.adminAddress()).isEqualTo("127.0.0.1");
    assertThat(c.adminPort()).isEqualTo(18082);
    assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.ioThreads()).isZero();
    assertThat(c.snapshotFile()).isEmpty();
  }

  @Test
  void podIdentityComesFromDownwardApiEnvironment() {
    DataplaneConfig c =
        run(List.of(), Map.of("HOSTNAME", "host-1", "POD_NAME", "gw-7", "POD_NAMESPACE", "weir"));

    assertThat(c.nodeId()).isEqualTo("gw-7");
    assertThat(c.pod()).isEqualTo("gw-7");
    assertThat(c.namespace()).isEqualTo("weir");
  }

  @Test
  void everyFlagIsParsedInBothForms() {
    DataplaneConfig c =
        run(
            List.of(
                "--controller=ctl.weir-system:9000",
                "--node-id",
                "n1",
                "--pod=p1",
                "--namespace",
                "ns1",
                "--role=sidecar",
                "--workload",
                "default/reviews",
                "--probe-address=127.0.0.1",
                "--probe-port",
                "0",
                "--admin-address",
                "::1",
                "--admin-port=0",
                "--bind-address",
                "127.0.0.2",
                "--io-threads=3",
                "--snapshot-file",
                "/var/lib/weir/snapshot.pb",
                "--plugin-dir",
                "/opt/weir/plugins"),
            ENV);

    assertThat(c)
        .isEqualTo(
            new DataplaneConfig(
                List.of(InetSocketAddress.createUnresolved("ctl.weir-system", 9000)),
                "n1",
                "p1",
                "ns1",
                Node.Role.SIDECAR,
                "default/reviews",
                "",
                "127.0.0.1",
                0,
                "::1",
                0,
                "127.0.0.2",
                3,
                Optional.of(Path.of("/var/lib/weir/snapshot.pb")),
                Http1Limits.defaults(),
                Http2Limits.defaults(),
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                Optional.of(Path.of("/opt/weir/plugins")),
                TracingSettings.OFF,
                AccessLogFormat.JSON));
    assertThat(c.node())
        .isEqualTo(
            Node.newBuilder()
                .setId("n1")
                .setPod("p1")
                .setNamespace("ns1")
                .setRole(Node.Role.SIDECAR)
                .setWorkload("default/reviews")
                .build());
  }

  @Test
  void http1LimitFlagsAreParsed() {
    DataplaneConfig c =
        run(
            List.of(
                "--max-request-body=8m",
                "--request-header-timeout",
                "500ms",
                "--request-body-timeout=2m",
                "--max-connections=50",
                "--max-pipelined-requests",
                "4"),
            ENV);

    assertThat(c.http1())
        .isEqualTo(new Http1Limits(8L << 20, Duration.ofMillis(500), Duration.ofMinutes(2), 50, 4));
    assertThat(run(List.of("--max-request-body", "1G"), ENV).http1().maxRequestBodyBytes())
        .isEqualTo(1L << 30);
    assertThat(run(List.of("--max-request-body", "1234"), ENV).http1().maxRequestBodyBytes())
        .isEqualTo(1234);
    assertThat(run(List.of(), ENV).http1()).isEqualTo(Http1Limits.defaults());
    assertThat(DataplaneMain.proxySettings(c).http1()).isEqualTo(c.http1());
    assertThat(invalid("--max-request-body=8x")).contains("--max-request-body must be bytes");
    assertThat(invalid("--max-request-body=-1")).contains("--max-request-body must be bytes");
    assertThat(invalid("--request-header-timeout=10x")).contains("must be a duration");
    assertThat(invalid("--request-body-timeout=0s")).contains("must be above zero");
    assertThat(invalid("--max-connections=0")).contains("must be positive");
    assertThat(invalid("--max-pipelined-requests=x")).contains("must be a number");
  }

  @Test
  void ipv6ControllerInBracketsIsUnwrapped() {
    DataplaneConfig c = run(List.of("--controller", "[::1]:18000"), ENV);

    assertThat(c.controllers()).containsExactly(InetSocketAddress.createUnresolved("::1", 18000));
  }

  @Test
  void severalControllersAreKeptInOrder() {
    DataplaneConfig c =
        run(List.of("--controller", "weir-0.weir:18000, [fd00::2]:18001,10.0.0.3:18002"), ENV);

    assertThat(c.controllers())
        .containsExactly(
            InetSocketAddress.createUnresolved("weir-0.weir", 18000),
            InetSocketAddress.createUnresolved("fd00::2", 18001),
            InetSocketAddress.createUnresolved("10.0.0.3", 18002));
    assertThat(DataplaneConfig.parse(List.of("--controller", "a:1,"), ENV))
        .isInstanceOf(DataplaneConfig.Invalid.class);
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    // --help wins over anything else on the line, even a bad value before it.
    DataplaneConfig.Parsed parsed = DataplaneConfig.parse(List.of("--role", "x", "--help"), ENV);

    assertThat(parsed).isInstanceOf(DataplaneConfig.Help.class);
    String text = ((DataplaneConfig.Help) parsed).text();
    for (String flag :
        List.of(
            "--controller HOST:PORT",
            "--node-id",
            "--pod",
            "--namespace",
            "--role",
            "--workload",
            "--probe-address",
            "--probe-port",
            "--admin-address",
            "--admin-port",
            "--bind-address",
            "--io-threads",
            "--snapshot-file",
            "--help")) {
      assertThat(text).contains(flag);
    }
    assertThat(text)
        .contains("(default: 127.0.0.1:18000)")
        .contains("(default: 18081)")
        .contains("(default: 18082)")
        .contains("(default: gateway)");
  }

  @Test
  void badCommandLinesAreRejectedWithOneLine() {
    assertThat(invalid("--frobnicate")).isEqualTo("unknown flag --frobnicate");
    assertThat(invalid("--probe-port")).isEqualTo("flag --probe-port needs a value");
    assertThat(invalid("--probe-port", "http")).contains("--probe-port must be a number");
    assertThat(invalid("--admin-port=70000")).contains("--admin-port must be a port 0..65535");
    assertThat(invalid("--role=ingress")).contains("--role must be gateway or sidecar");
    assertThat(invalid("--controller", "nohost")).contains("--controller must be HOST:PORT");
    assertThat(invalid("--controller", "h:0")).contains("--controller port");
    assertThat(invalid("--io-threads=-1")).contains("--io-threads must be 0..1024");
    assertThat(invalid("--pod=a", "--pod=b")).isEqualTo("flag --pod given twice");
    assertThat(invalid("stray")).isEqualTo("unexpected argument 'stray'");
    assertThat(invalid("--bind-address=")).contains("--bind-address must not be empty");
  }

  @Test
  void http2LimitsAndDrainPeriodAreParsed() {
    DataplaneConfig c =
        run(
            List.of(
                "--h2-max-concurrent-streams=7",
                "--h2-max-header-list-size",
                "4096",
                "--h2-initial-window-size=1024",
                "--h2-connection-window-size=131072",
                "--drain-period=1500ms"),
            ENV);

    assertThat(c.http2()).isEqualTo(Http2Limits.defaults().withSettings(7, 4096, 1024, 131072));
    assertThat(c.drainPeriod()).isEqualTo(Duration.ofMillis(1500));
    assertThat(run(List.of("--drain-period", "2m"), ENV).drainPeriod())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(run(List.of("--drain-period", "5"), ENV).drainPeriod())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(invalid("--h2-max-concurrent-streams=0")).contains("max concurrent streams");
    assertThat(invalid("--h2-connection-window-size=100")).contains("connection window size");
    assertThat(invalid("--drain-period=soon")).contains("--drain-period must be a duration");
    assertThat(DataplaneConfig.usage())
        .contains("--h2-max-concurrent-streams N")
        .contains("--drain-period DURATION");
  }

  @Test
  void rapidResetGuardFlagsAreParsedAndNamedWhenBad() {
    assertThat(run(List.of(), ENV).http2()).isEqualTo(Http2Limits.defaults());
    DataplaneConfig c =
        run(List.of("--h2-max-resets-per-window=5", "--h2-reset-window", "2m"), ENV);
    assertThat(c.http2().maxResetsPerWindow()).isEqualTo(5);
    assertThat(c.http2().resetWindowSeconds()).isEqualTo(120);
    assertThat(c.http2().maxConcurrentStreams())
        .isEqualTo(Http2Limits.defaults().maxConcurrentStreams());
    assertThat(run(List.of("--h2-reset-window=10"), ENV).http2().resetWindowSeconds())
        .isEqualTo(10);

    assertThat(invalid("--h2-max-resets-per-window=0"))
        .isEqualTo("--h2-max-resets-per-window must be at least 1, got 0");
    assertThat(invalid("--h2-max-resets-per-window=many"))
        .contains("--h2-max-resets-per-window must be a number");
    assertThat(invalid("--h2-reset-window=500ms"))
        .contains("--h2-reset-window must be whole seconds, at least 1s");
    assertThat(invalid("--h2-reset-window=1500ms"))
        .contains("--h2-reset-window must be whole seconds");
    assertThat(invalid("--h2-reset-window=0")).contains("--h2-reset-window must be whole seconds");
    assertThat(invalid("--h2-reset-window=soon")).contains("--h2-reset-window must be a duration");
    assertThat(DataplaneConfig.usage())
        .contains("--h2-max-resets-per-window N")
        .contains("--h2-reset-window DURATION");
  }

  @Test
  void gatewayIsSentInTheNodeAndDocumented() {
    assertThat(run(List.of(), ENV).node().getGateway()).isEmpty();
    DataplaneConfig c = run(List.of("--gateway", "infra/public"), ENV);
    assertThat(c.gateway()).isEqualTo("infra/public");
    assertThat(c.node().getGateway()).isEqualTo("infra/public");
    assertThat(invalid("--gateway=public")).contains("--gateway must be NAMESPACE/NAME");
    assertThat(invalid("--gateway=a/b/c")).contains("--gateway must be NAMESPACE/NAME");
    assertThat(DataplaneConfig.usage()).contains("--gateway NS/NAME").contains("shared pod");
  }

  @Test
  void ticketRotationIsADurationOfAtLeastOneSecond() {
    assertThat(run(List.of(), ENV).tlsTicketRotation()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(run(List.of("--tls-ticket-rotation=30m"), ENV).tlsTicketRotation())
        .isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(invalid("--tls-ticket-rotation=500ms")).contains("at least 1s");
    assertThat(invalid("--tls-ticket-rotation=1d")).contains("must be a duration");
  }

  @Test
  void accessLogIsJsonByDefaultAndTextOrOffOnRequest() {
    assertThat(run(List.of(), ENV).accessLog()).isEqualTo(AccessLogFormat.JSON);
    assertThat(run(List.of("--access-log=text"), ENV).accessLog()).isEqualTo(AccessLogFormat.TEXT);
    assertThat(run(List.of("--access-log", "off"), ENV).accessLog()).isEqualTo(AccessLogFormat.OFF);
    assertThat(invalid("--access-log=yaml")).contains("--access-log must be json, text or off");
    assertThat(((DataplaneConfig.Help) DataplaneConfig.parse(List.of("--help"), ENV)).text())
        .contains("--access-log json|text|off");
  }

  @Test
  void logFormatFromTheEnvironmentIsTextOrJson() {
    assertThat(run(List.of(), Map.of("HOSTNAME", "h", "WEIR_LOG_FORMAT", "json"))).isNotNull();
    assertThat(run(List.of(), Map.of("HOSTNAME", "h", "WEIR_LOG_FORMAT", "text"))).isNotNull();
    DataplaneConfig.Parsed parsed =
        DataplaneConfig.parse(List.of(), Map.of("HOSTNAME", "h", "WEIR_LOG_FORMAT", "xml"));
    assertThat(parsed).isInstanceOf(DataplaneConfig.Invalid.class);
    assertThat(((DataplaneConfig.Invalid) parsed).message())
        .isEqualTo("WEIR_LOG_FORMAT must be text or json, got 'xml'");
  }

  private static DataplaneConfig run(List<String> args, Map<String, String> env) {
    DataplaneConfig.Parsed parsed = DataplaneConfig.parse(args, env);
    assertThat(parsed).isInstanceOf(DataplaneConfig.Run.class);
    return ((DataplaneConfig.Run) parsed).config();
  }

  private static String invalid(String... args) {
    DataplaneConfig.Parsed parsed = DataplaneConfig.parse(List.of(args), ENV);
    assertThat(parsed).isInstanceOf(DataplaneConfig.Invalid.class);
    String message = ((DataplaneConfig.Invalid) parsed).message();
    assertThat(message).doesNotContain("\n");
    return message;
  }
}
