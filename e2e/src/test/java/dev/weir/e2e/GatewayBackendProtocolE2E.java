package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The backend protocol of a Service port through the real data plane, modelled on the upstream
 * conformance test {@code HTTPRouteBackendProtocolH2C}: a port with {@code appProtocol:
 * kubernetes.io/h2c} is reached with HTTP/2 over cleartext with prior knowledge (RFC 9113 §3.3),
 * whatever the client spoke. The backend speaks only h2c, so an HTTP/1.1 upstream would fail.
 */
class GatewayBackendProtocolE2E {

  private static GatewayFixture gw;
  private static EchoServer h2c;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayBackendProtocolE2E.class);
    h2c = EchoServer.startH2c("h2c-backend");
    gw.service(GatewayFixture.NS, "h2c-backend", h2c.port(), "kubernetes.io/h2c");
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: backend-protocol-h2c, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [h2c.example.com]
          rules:
          - backendRefs: [{name: h2c-backend, port: 8080}]
        """);
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> gw.get("h2c.example.com", "/").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    try {
      gw.close();
    } finally {
      h2c.close();
    }
  }

  @Test
  @Tag("feature=HTTPRouteBackendProtocolH2C")
  void http11ClientReachesH2cBackendOverHttp2() throws Exception {
    HttpResponse<String> response = gw.get("h2c.example.com", "/h2c?x=1", "x-probe", "one");
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(backend(response)).isEqualTo("h2c-backend");
    assertThat(response.body())
        .contains("backend=h2c-backend", "uri=/h2c?x=1", "protocol=HTTP/2", "x-probe: one");
  }
}
