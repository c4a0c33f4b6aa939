package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.TestCertificates;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Conformance HTTPRouteHTTPSListenerDetectMisdirectedRequests: four HTTPS listeners share one port
 * and one certificate (no hostname, an exact one, a wildcard, and an exact one inside the
 * wildcard), each with its own route. A request whose Host belongs to another listener than the one
 * the connection's SNI selected gets 421 Misdirected Request (RFC 9110 §15.5.20); a Host of the
 * same listener is routed (or 404 when no route of that listener has it).
 */
class GatewayMisdirectedRequestsE2E {

  private static final int TLS_PORT = WeirStack.freePort();
  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayMisdirectedRequestsE2E.class);
    TestCertificates.Pem cert = TestCertificates.selfSigned("example.org");
    gw.kube
        .resource(
            KubeObjects.tlsSecret(
                "tls-validity-checks-certificate", cert.certificatePem(), cert.privateKeyPem()))
        .inNamespace(GatewayFixture.NS)
        .create();
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: same-namespace-with-https-listener, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - name: https
            port: %1$d
            protocol: HTTPS
            tls: {certificateRefs: [{name: tls-validity-checks-certificate}]}
          - name: https-with-hostname
            port: %1$d
            protocol: HTTPS
            hostname: second-example.org
            tls: {certificateRefs: [{name: tls-validity-checks-certificate}]}
          - name: https-with-wildcard-hostname
            port: %1$d
            protocol: HTTPS
            hostname: "*.wildcard.org"
            tls: {certificateRefs: [{name: tls-validity-checks-certificate}]}
          - name: https-with-hostname-matching-wildcard
            port: %1$d
            protocol: HTTPS
            hostname: fourth-example.wildcard.org
            tls: {certificateRefs: [{name: tls-validity-checks-certificate}]}
        """
            .formatted(TLS_PORT));
    route(1, "https", "hostnames: [example.org]", "infra-backend-v1");
    route(2, "https-with-hostname", "", "infra-backend-v2");
    route(3, "https-with-wildcard-hostname", "", "infra-backend-v3");
    route(4, "https-with-hostname-matching-wildcard", "", "infra-backend-v1");
  }

  private static void route(int n, String section, String hostnames, String backend) {
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: https-listener-detect-misdirected-requests-test-%d, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace-with-https-listener, sectionName: %s}]
          %s
          rules:
          - matches: [{path: {type: PathPrefix, value: /detect-misdirected-requests}}]
            backendRefs: [{name: %s, port: 8080}]
        """
            .formatted(n, section, hostnames, backend));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  @Tag("feature=Gateway")
  @Tag("feature=HTTPRoute")
  @Tag("feature=GatewayHTTPSListenerDetectMisdirectedRequests")
  void aHostOfAnotherListenerThanTheSniChoseGets421() {
    // Converged once the last listener's route serves.
    expect("fourth-example.wildcard.org", "fourth-example.wildcard.org", 200, "infra-backend-v1");

    expect("example.org", "example.org", 200, "infra-backend-v1");
    expect("example.org", "second-example.org", 421, "");
    expect("example.org", "unknown-example.org", 404, "");

    expect("second-example.org", "second-example.org", 200, "infra-backend-v2");
    expect("second-example.org", "example.org", 421, "");
    expect("second-example.org", "unknown-example.org", 421, "");

    expect("third-example.wildcard.org", "third-example.wildcard.org", 200, "infra-backend-v3");
    expect("third-example.wildcard.org", "fith-example.wildcard.org", 200, "infra-backend-v3");
    expect("third-example.wildcard.org", "fourth-example.wildcard.org", 421, "");
    expect("third-example.wildcard.org", "second-example.org", 421, "");
    expect("third-example.wildcard.org", "unknown-example.org", 421, "");

    expect("fourth-example.wildcard.org", "fith-example.wildcard.org", 421, "");

    expect("unknown-example.org", "example.org", 200, "infra-backend-v1");
    expect("unknown-example.org", "unknown-example.org", 404, "");
  }

  /** A GET with SNI {@code sni} and Host {@code host} eventually answers {@code status}. */
  private static void expect(String sni, String host, int status, String backend) {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (TlsClient tls = new TlsClient(TLS_PORT, sni)) {
                String response = tls.get(host, "/detect-misdirected-requests");
                assertThat(response)
                    .as("SNI %s, Host %s", sni, host)
                    .startsWith("HTTP/1.1 " + status);
                if (!backend.isEmpty()) {
                  assertThat(response).contains("x-backend: " + backend);
                }
              }
            });
  }
}
