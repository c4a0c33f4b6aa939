package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.GrpcClients;
import dev.weir.testing.GrpcEchoServer;
import dev.weir.testing.WebSocketEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The soak of issue 4: mixed HTTP/1.1, HTTP/2 (h2load), gRPC (unary calls and one bidi stream held
 * open throughout) and WebSocket traffic (one long-lived socket and a new one every two seconds)
 * through the real data plane, while the controller pushes a new snapshot every second. Not one
 * request may fail, no long-lived stream may drop, and the data plane (running with paranoid leak
 * detection) must report no leaked buffer.
 *
 * <p>It runs for {@code -Dweir.soak=PT5M} (ISO-8601; five minutes by default, as the issue asks); a
 * shorter value is handy while working on it.
 */
class SoakE2E {

  private static final Duration LENGTH = Duration.parse(System.getProperty("weir.soak", "PT5M"));
  private static GatewayFixture gw;
  private static GrpcEchoServer grpc;
  private static WebSocketEchoServer ws;
  private static GrpcClients grpcClients;
  private static HttpClient wsClient;
  private static int grpcPort;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SoakE2E.class);
    grpc = GrpcEchoServer.start("soak-grpc");
    ws = WebSocketEchoServer.start("soak-ws");
    grpcClients = new GrpcClients();
    wsClient = HttpClient.newHttpClient();
    grpcPort = WeirStack.freePort();
    gw.service(GatewayFixture.NS, "grpc-backend", grpc.port(), "kubernetes.io/h2c");
    gw.service(GatewayFixture.NS, "ws-backend", ws.port(), "kubernetes.io/ws");
    // gRPC gets a Gateway of its own, so that its GRPCRoute and the catch-all HTTPRoute below
    // never claim one listener's hostnames together (the spec forbids that).
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: soak-grpc, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: grpc, port: %d, protocol: HTTP}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: soak, namespace: infra}
        spec:
          parentRefs: [{name: soak-grpc}]
          rules:
          - backendRefs: [{name: grpc-backend, port: 8080}]
        """
            .formatted(grpcPort));
    gw.api.apply(webRoute(0));
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              GrpcClients.echo(grpcClients.channel(grpcPort)).echo(GrpcGateway.hello());
              return gw.get("soak.example.com", "/ready").statusCode() == 200;
            });
  }

  /**
   * The catch-all HTTPRoute at step {@code n}: plain paths on v1, {@code /ws} on the WebSocket
   * backend, and a few churn rules whose names change with {@code n}, so each step is a new
   * snapshot while the paths the traffic uses stay put.
   */
  private static String webRoute(int n) {
    StringBuilder churn = new StringBuilder();
    for (int i = 0; i <= n % 4; i++) {
      churn.append(
          """
            - matches: [{path: {type: PathPrefix, value: /churn-%d-%d}}]
              backendRefs: [{name: infra-backend-v2, port: 8080}]
          """
              .formatted(n, i));
    }
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: soak-web, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /ws}}]
            backendRefs: [{name: ws-backend, port: 8080}]
          - backendRefs: [{name: infra-backend-v1, port: 8080}]
        %s"""
        .formatted(churn);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      wsClient.shutdownNow();
      grpcClients.close();
      gw.close(); // checks the data plane's log for LEAK reports
    } finally {
      grpc.close();
      ws.close();
    }
  }

  @Test
  void mixedTrafficSurvivesASnapshotSwapEverySecond() throws Exception {
    H2Load h2 = H2Load.start("http://127.0.0.1:" + gw.port + "/h2", LENGTH.plusSeconds(2), 2, 25);
    GrpcTraffic grpcTraffic = new GrpcTraffic(grpcClients.channel(grpcPort), 20);
    WebSocketTraffic wsTraffic =
        new WebSocketTraffic(wsClient, URI.create("ws://127.0.0.1:" + gw.port + "/ws"));
    LoadLoop http1 =
        new LoadLoop(
            gw.weir.client(),
            () ->
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port + "/h1"))
                    .header("Host", "soak.example.com")
                    .timeout(Duration.ofSeconds(10))
                    .build(),
            100);
    int swaps = 0;
    long end = System.nanoTime() + LENGTH.toNanos();
    try (http1;
        grpcTraffic;
        wsTraffic) {
      while (System.nanoTime() < end) {
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        String before = gw.weir.servingVersion();
        gw.api.apply(webRoute(++swaps));
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> !gw.weir.servingVersion().equals(before));
        // One swap a second: wait out the rest of this second, unless the swap took longer.
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(20))
            .atMost(Duration.ofSeconds(2))
            .until(() -> System.nanoTime() >= next);
      }
    }
    H2Load.Result h2Result = h2.await();
    System.out.printf(
        "soak %s: %d swaps; http/1.1 %s; h2 %s; grpc %s; websocket %s%n",
        LENGTH, swaps, http1, h2Result, grpcTraffic, wsTraffic);
    assertThat(swaps).isGreaterThanOrEqualTo((int) (LENGTH.toSeconds() * 8 / 10));
    assertThat(http1.failures()).isEmpty();
    assertThat(http1.ok()).isGreaterThan(LENGTH.toSeconds() * 50);
    assertThat(h2Result.failedOrErrored()).isZero();
    assertThat(h2Result.succeeded()).isEqualTo(h2Result.done()).isGreaterThan(LENGTH.toSeconds());
    assertThat(h2Result.status2xx()).isEqualTo(h2Result.done());
    assertThat(grpcTraffic.failures()).isEmpty();
    assertThat(grpcTraffic.unaryOk()).isGreaterThan(LENGTH.toSeconds() * 10);
    assertThat(grpcTraffic.streamEchoes()).isGreaterThan(LENGTH.toSeconds() * 3);
    assertThat(grpcTraffic.streamCompletedCleanly()).isTrue();
    assertThat(wsTraffic.failures()).isEmpty();
    assertThat(wsTraffic.longLivedEchoes()).isGreaterThan(LENGTH.toSeconds() * 3);
    assertThat(wsTraffic.shortLivedSessions()).isGreaterThan(LENGTH.toSeconds() / 3);
  }
}
