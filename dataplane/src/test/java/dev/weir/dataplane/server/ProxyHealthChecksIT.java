package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.GrpcHealthCheck;
import dev.weir.api.config.v1.HealthCheck;
import dev.weir.api.config.v1.HttpHealthCheck;
import dev.weir.api.config.v1.TcpHealthCheck;
import dev.weir.api.config.v1.UpstreamTls;
import dev.weir.dataplane.health.ClusterHealth;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.testing.EchoServer;
import dev.weir.testing.GrpcEchoServer;
import dev.weir.testing.PrometheusText;
import dev.weir.testing.TestCertificates;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Active health checks over real sockets against real backends; the proxy routes around them. */
class ProxyHealthChecksIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ProxyFixture proxy = new ProxyFixture();
  private final EchoServer a = EchoServer.start("a");
  private final EchoServer b = EchoServer.start("b");
  private final int port = Snapshots.freePort();

  @AfterEach
  void close() {
    proxy.close();
    a.close();
    b.close();
  }

  /** Checks every 50 ms; two failures make an endpoint unhealthy, one success healthy again. */
  private static HealthCheck.Builder fastCheck() {
    return HealthCheck.newBuilder()
        .setIntervalMs(50)
        .setTimeoutMs(1000)
        .setUnhealthyThreshold(2)
        .setHealthyThreshold(1);
  }

  private static HealthCheck http(String path) {
    return fastCheck().setHttp(HttpHealthCheck.newBuilder().setPath(path)).build();
  }

  private ConfigSnapshot snapshot(Cluster cluster) {
    return Snapshots.snapshot()
        .addListeners(Snapshots.http("web", port, "rt"))
        .addRouteTables(
            Snapshots.table(
                "rt", Snapshots.vhost("any", List.of("*"), Snapshots.prefix("all", "/", "b"))))
        .addClusters(cluster)
        .build();
  }

  private void apply(Cluster cluster) throws Exception {
    proxy.apply(snapshot(cluster));
  }

  private ClusterHealth health() {
    return proxy.runtime.configApplier().config().clusters().get("b").health();
  }

  private static UpstreamEndpoint endpoint(int port) {
    return new UpstreamEndpoint("127.0.0.1", port);
  }

  /** The backends that answered {@code n} requests in a row. */
  private Set<String> backendsOf(int n) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      var response = proxy.get(port, "/");
      assertThat(response.statusCode()).isEqualTo(200);
      seen.add(response.headers().firstValue("x-backend").orElseThrow());
    }
    return seen;
  }

  @Test
  void endpointHealthGaugeFollowsTheChecks() throws Exception {
    apply(
        Snapshots.cluster("b", a.port(), b.port()).toBuilder()
            .setHealthCheck(http("/healthz"))
            .build());
    Map<String, String> bLabels = Map.of("backend", "b", "endpoint", "127.0.0.1:" + b.port());
    assertThat(healthy(Map.of("backend", "b", "endpoint", "127.0.0.1:" + a.port()))).isEqualTo(1);
    assertThat(healthy(bLabels)).isEqualTo(1);

    b.healthStatus(503);
    await().atMost(WAIT).until(() -> healthy(bLabels) == 0);
    b.healthStatus(200);
    await().atMost(WAIT).until(() -> healthy(bLabels) == 1);

    // Without a check the cluster has no health gauges.
    apply(Snapshots.cluster("b", a.port(), b.port()));
    assertThat(scrape().find("weir_endpoint_healthy", Map.of())).isEmpty();
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(proxy.runtime.telemetry().scrape());
  }

  private double healthy(Map<String, String> labels) {
    return scrape().sum("weir_endpoint_healthy", labels);
  }

  @Test
  void httpCheckTakesA503BackendOutOfRotationUntilItRecovers() throws Exception {
    apply(
        Snapshots.cluster("b", a.port(), b.port()).toBuilder()
            .setHealthCheck(http("/healthz"))
            .build());
    assertThat(backendsOf(4)).containsExactlyInAnyOrder("a", "b");

    b.healthStatus(503);
    await().atMost(WAIT).until(() -> !health().available(endpoint(b.port())));
    assertThat(backendsOf(10)).containsExactly("a");
    assertThat(health().available(endpoint(a.port()))).isTrue();
    assertThat(proxy.runtime.configApplier().endpointHealth())
        .containsExactlyInAnyOrder(
            "b " + endpoint(a.port()) + " healthy", "b " + endpoint(b.port()) + " unhealthy");

    b.healthStatus(200);
    await().atMost(WAIT).until(() -> health().available(endpoint(b.port())));
    assertThat(backendsOf(4)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void expectedStatusesDecideWhatIsHealthy() throws Exception {
    HealthCheck check =
        fastCheck()
            .setHttp(
                HttpHealthCheck.newBuilder()
                    .setPath("/healthz")
                    .addExpectedStatuses(
                        dev.weir.api.config.v1.StatusRange.newBuilder().setStart(418).setEnd(418)))
            .build();
    b.healthStatus(418);
    apply(Snapshots.cluster("b", a.port(), b.port()).toBuilder().setHealthCheck(check).build());
    await().atMost(WAIT).until(() -> !health().available(endpoint(a.port())));
    assertThat(health().available(endpoint(b.port()))).isTrue();
  }

  @Test
  void tcpCheckNoticesAClosedPort() throws Exception {
    EchoServer c = EchoServer.start("c");
    apply(
        Snapshots.cluster("b", a.port(), c.port()).toBuilder()
            .setHealthCheck(fastCheck().setTcp(TcpHealthCheck.getDefaultInstance()))
            .build());
    assertThat(health().available(endpoint(c.port()))).isTrue();
    c.close();
    await().atMost(WAIT).until(() -> !health().available(endpoint(c.port())));
    assertThat(health().available(endpoint(a.port()))).isTrue();
    assertThat(backendsOf(6)).containsExactly("a");
  }

  @Test
  void grpcCheckFollowsTheServingStatus() throws Exception {
    try (GrpcEchoServer g1 = GrpcEchoServer.start("g1");
        GrpcEchoServer g2 = GrpcEchoServer.start("g2")) {
      apply(
          Snapshots.cluster("b", g1.port(), g2.port()).toBuilder()
              .setProtocol(Cluster.Protocol.H2C)
              .setHealthCheck(
                  fastCheck()
                      .setGrpc(
                          GrpcHealthCheck.newBuilder().setService("weir.testing.v1.EchoService")))
              .build());
      g2.serving(false);
      await().atMost(WAIT).until(() -> !health().available(endpoint(g2.port())));
      assertThat(health().available(endpoint(g1.port()))).isTrue();
      g2.serving(true);
      await().atMost(WAIT).until(() -> health().available(endpoint(g2.port())));
    }
  }

  @Test
  void grpcCheckOfAnUnknownServiceFails() throws Exception {
    try (GrpcEchoServer g = GrpcEchoServer.start("g")) {
      apply(
          Snapshots.cluster("b", g.port()).toBuilder()
              .setProtocol(Cluster.Protocol.H2C)
              .setHealthCheck(
                  fastCheck().setGrpc(GrpcHealthCheck.newBuilder().setService("no.Such")))
              .build());
      await().atMost(WAIT).until(() -> !health().available(endpoint(g.port())));
    }
  }

  @Test
  void httpCheckOfAnH2cClusterSpeaksHttp2() throws Exception {
    try (EchoServer h2 = EchoServer.startH2c("h2")) {
      h2.healthStatus(503);
      apply(
          Snapshots.cluster("b", h2.port(), a.port()).toBuilder()
              .setProtocol(Cluster.Protocol.H2C)
              .setHealthCheck(http("/healthz"))
              .build());
      await().atMost(WAIT).until(() -> !health().available(endpoint(h2.port())));
      h2.healthStatus(200);
      await().atMost(WAIT).until(() -> health().available(endpoint(h2.port())));
      // a speaks HTTP/1.1 only: the h2c check's preface fails there.
      await().atMost(WAIT).until(() -> !health().available(endpoint(a.port())));
    }
  }

  @Test
  void checksOfATlsClusterUseItsTls() throws Exception {
    TestCertificates.Pem cert = TestCertificates.selfSigned("api.shop.internal");
    UpstreamTls tls =
        UpstreamTls.newBuilder()
            .setSni("api.shop.internal")
            .setCaCertificates(ByteString.copyFromUtf8(cert.certificatePem()))
            .build();
    try (EchoServer secure =
        EchoServer.startTls("secure", ProxyUpstreamTlsIT.backendContext(cert, null))) {
      for (Cluster.Protocol protocol : List.of(Cluster.Protocol.HTTP1, Cluster.Protocol.H2)) {
        secure.healthStatus(200);
        apply(
            Snapshots.cluster("b", secure.port()).toBuilder()
                .setTls(tls)
                .setProtocol(protocol)
                .setHealthCheck(http("/healthz"))
                .build());
        var tlsEndpoint = health().endpoints().keySet().iterator().next();
        secure.healthStatus(503);
        await().atMost(WAIT).until(() -> !health().available(tlsEndpoint));
        secure.healthStatus(200);
        await().atMost(WAIT).until(() -> health().available(tlsEndpoint));
      }
      // A CA the backend's certificate does not lead to: the handshake fails the check.
      apply(
          Snapshots.cluster("b", secure.port()).toBuilder()
              .setTls(
                  tls.toBuilder()
                      .setCaCertificates(
                          ByteString.copyFromUtf8(
                              TestCertificates.selfSigned("api.shop.internal").certificatePem())))
              .setHealthCheck(fastCheck().setTcp(TcpHealthCheck.getDefaultInstance()))
              .build());
      var untrusted = health().endpoints().keySet().iterator().next();
      await().atMost(WAIT).until(() -> !health().available(untrusted));
    }
  }

  @Test
  void panicModeSendsTrafficAnywayWhenEveryEndpointIsUnhealthy() throws Exception {
    a.healthStatus(503);
    b.healthStatus(503);
    apply(
        Snapshots.cluster("b", a.port(), b.port()).toBuilder()
            .setHealthCheck(http("/healthz"))
            .build());
    await()
        .atMost(WAIT)
        .until(
            () ->
                !health().available(endpoint(a.port())) && !health().available(endpoint(b.port())));
    assertThat(backendsOf(4)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void stateSurvivesASnapshotSwapThatKeepsTheEndpoint() throws Exception {
    Cluster cluster =
        Snapshots.cluster("b", a.port(), b.port()).toBuilder()
            .setHealthCheck(http("/healthz"))
            .build();
    apply(cluster);
    b.healthStatus(503);
    await().atMost(WAIT).until(() -> !health().available(endpoint(b.port())));

    try (EchoServer c = EchoServer.start("c")) {
      apply(
          cluster.toBuilder()
              .addEndpoints(Snapshots.cluster("x", c.port()).getEndpoints(0))
              .build());
      assertThat(health().available(endpoint(b.port()))).as("kept its verdict").isFalse();
      assertThat(health().available(endpoint(c.port()))).as("new: starts healthy").isTrue();
      assertThat(proxy.runtime.configApplier().health().checkerCount()).isEqualTo(3);
      assertThat(backendsOf(6)).containsExactlyInAnyOrder("a", "c");

      apply(
          Snapshots.cluster("b", a.port(), c.port()).toBuilder()
              .setHealthCheck(http("/healthz"))
              .build());
      assertThat(proxy.runtime.configApplier().health().checkerCount()).isEqualTo(2);

      // Without a check, nothing could clear a verdict, so there is none.
      apply(Snapshots.cluster("b", a.port(), b.port()));
      assertThat(proxy.runtime.configApplier().health().checkerCount()).isZero();
      assertThat(backendsOf(4)).containsExactlyInAnyOrder("a", "b");
    }
  }
}
