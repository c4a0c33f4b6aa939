package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * BackendTLSPolicy through the real data plane to a TLS echo backend, modelled on the upstream
 * conformance tests {@code BackendTLSPolicy}, {@code BackendTLSPolicyInvalidCACertificateRef},
 * {@code BackendTLSPolicyConflictResolution} and {@code BackendTLSPolicySANValidation}. The
 * backend's certificate names {@code abc.example.com} (DNS) and a SPIFFE URI; the CA bundle is in a
 * ConfigMap. Each policy targets a Service of its own, all in front of the same backend.
 */
class GatewayBackendTlsE2E {

  private static final String SPIFFE = "spiffe://cluster.local/ns/infra/sa/backend";
  private static final TestCertificates.Pem CERT =
      TestCertificates.selfSignedWithUris(List.of(SPIFFE), "abc.example.com");
  private static final TestCertificates.Pem CLIENT = TestCertificates.selfSigned("weir-client");
  private static GatewayFixture gw;
  private static EchoServer tls;
  private static EchoServer mtls;
  private static int mtlsPort;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayBackendTlsE2E.class);
    tls =
        EchoServer.startTls(
            "tls-backend",
            SslContextBuilder.forServer(
                    new ByteArrayInputStream(
                        CERT.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                    new ByteArrayInputStream(
                        CERT.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
                .sslProvider(SslProvider.OPENSSL)
                .build());
    mtls =
        EchoServer.startTls(
            "mtls-backend",
            SslContextBuilder.forServer(
                    new ByteArrayInputStream(
                        CERT.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                    new ByteArrayInputStream(
                        CERT.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
                .sslProvider(SslProvider.OPENSSL)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(CLIENT.certificate())
                .build());
    gw.service(GatewayFixture.NS, "mtls", mtls.port(), null);
    String[] services = {
      "normative", "host-mismatch", "bad-ca", "san-uri", "san-mismatch", "conflict", "mtls"
    };
    StringBuilder routes = new StringBuilder();
    for (String s : services) {
      if (!s.equals("mtls")) {
        gw.service(GatewayFixture.NS, s, tls.port(), null);
      }
      routes.append(
          "  - matches: [{path: {value: /%1$s}}]\n    backendRefs: [{name: %1$s, port: 8080}]\n"
              .formatted(s));
    }
    gw.api.apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: backend-tls-checks-certificate, namespace: infra}
        data:
          ca.crt: |
        %s
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: backendtlspolicy, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [abc.example.com]
          rules:
        %s
        """
            .formatted(CERT.certificatePem().strip().indent(4).stripTrailing(), routes));
    policy("normative", "abc.example.com", "", "2025-01-01T00:00:00Z");
    policy("host-mismatch", "mismatch.example.com", "", "2025-01-01T00:00:00Z");
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: bad-ca, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: bad-ca}]
          validation:
            caCertificateRefs: [{group: "", kind: ConfigMap, name: nonexistent}]
            hostname: abc.example.com
        """);
    policy(
        "san-uri",
        "unrelated.example.com",
        "    subjectAltNames: [{type: URI, uri: \"" + SPIFFE + "\"}]\n",
        "2025-01-01T00:00:00Z");
    policy(
        "san-mismatch",
        "abc.example.com",
        "    subjectAltNames: [{type: Hostname, hostname: other.example.com}]\n",
        "2025-01-01T00:00:00Z");
    // Two policies on one Service: the older (conflict) wins, conflict-newer is Conflicted.
    policy("conflict", "abc.example.com", "", "2025-01-01T00:00:00Z");
    policyNamed("conflict-newer", "conflict", "mismatch.example.com", "", "2025-02-01T00:00:00Z");
    policy("mtls", "abc.example.com", "", "2025-01-01T00:00:00Z");
    // A second Gateway presents CLIENT to its TLS backends (spec.tls.backend).
    gw.kube
        .resource(
            new SecretBuilder(
                    KubeObjects.tlsSecret(
                        "client-cert", CLIENT.certificatePem(), CLIENT.privateKeyPem()))
                .editMetadata()
                .withNamespace(GatewayFixture.NS)
                .endMetadata()
                .build())
        .create();
    mtlsPort = WeirStack.freePort();
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: client-certificate, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: http, port: %d, protocol: HTTP}
          tls:
            backend:
              clientCertificateRef: {name: client-cert}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: client-certificate-missing, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: http, port: %d, protocol: HTTP}
          tls:
            backend:
              clientCertificateRef: {group: "", kind: Secret, name: nonexistent}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: mtls, namespace: infra}
        spec:
          parentRefs: [{name: client-certificate}, {name: client-certificate-missing}]
          hostnames: [abc.example.com]
          rules:
          - matches: [{path: {value: /mtls}}]
            backendRefs: [{name: mtls, port: 8080}]
        """
            .formatted(mtlsPort, WeirStack.freePort()));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("abc.example.com", "/normative").statusCode() == 200);
  }

  private static void policy(String service, String hostname, String extra, String created) {
    policyNamed(service, service, hostname, extra, created);
  }

  private static void policyNamed(
      String name, String service, String hostname, String extra, String created) {
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: %s, namespace: infra, creationTimestamp: "%s"}
        spec:
          targetRefs: [{group: "", kind: Service, name: %s}]
          validation:
            caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-tls-checks-certificate}]
            hostname: %s
        %s"""
            .formatted(name, created, service, hostname, extra));
  }

  @AfterAll
  static void stop() {
    try {
      gw.close();
    } finally {
      tls.close();
      mtls.close();
    }
  }

  private static void awaitPolicy(String name, String type, String status, String reason) {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              BackendTLSPolicy p =
                  gw.kube
                      .resources(BackendTLSPolicy.class)
                      .inNamespace("infra")
                      .withName(name)
                      .get();
              PolicyAncestorStatus a = p.getStatus().getAncestors().get(0);
              assertThat(a.getAncestorRef().getName()).isEqualTo("same-namespace");
              assertThat(a.getControllerName()).isEqualTo("weir.dev/gateway-controller");
              Condition c = GatewayFixture.condition(a.getConditions(), type).orElseThrow();
              assertThat(c.getStatus()).isEqualTo(status);
              assertThat(c.getReason()).isEqualTo(reason);
            });
  }

  @Test
  @Tag("feature=BackendTLSPolicy")
  void validPolicyReEncryptsWithTheHostnameAsSni() throws Exception {
    awaitPolicy("normative", "Accepted", "True", "Accepted");
    awaitPolicy("normative", "ResolvedRefs", "True", "ResolvedRefs");
    HttpResponse<String> r = gw.get("abc.example.com", "/normative");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(backend(r)).isEqualTo("tls-backend");
    assertThat(r.body()).contains("tls-sni=abc.example.com", "uri=/normative");
  }

  @Test
  @Tag("feature=BackendTLSPolicy")
  void hostnameTheCertificateDoesNotNameFails() throws Exception {
    awaitPolicy("host-mismatch", "Accepted", "True", "Accepted");
    assertThat(gw.get("abc.example.com", "/host-mismatch").statusCode()).isBetween(500, 599);
  }

  @Test
  @Tag("feature=BackendTLSPolicy")
  void invalidCaCertificateRefIsReportedAndItsBackendAnswers5xx() throws Exception {
    awaitPolicy("bad-ca", "Accepted", "False", "NoValidCACertificate");
    awaitPolicy("bad-ca", "ResolvedRefs", "False", "InvalidCACertificateRef");
    assertThat(gw.get("abc.example.com", "/bad-ca").statusCode()).isIn(500, 502, 503);
  }

  @Test
  @Tag("feature=BackendTLSPolicy")
  void olderPolicyWinsAConflict() throws Exception {
    awaitPolicy("conflict", "Accepted", "True", "Accepted");
    awaitPolicy("conflict-newer", "Accepted", "False", "Conflicted");
    assertThat(gw.get("abc.example.com", "/conflict").statusCode()).isEqualTo(200);
  }

  @Test
  @Tag("feature=BackendTLSPolicySANValidation")
  void uriSubjectAltNameReplacesTheHostnameForVerification() throws Exception {
    awaitPolicy("san-uri", "Accepted", "True", "Accepted");
    HttpResponse<String> r = gw.get("abc.example.com", "/san-uri");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("tls-sni=unrelated.example.com");
  }

  @Test
  @Tag("feature=BackendTLSPolicySANValidation")
  void subjectAltNameTheCertificateLacksFails() throws Exception {
    awaitPolicy("san-mismatch", "Accepted", "True", "Accepted");
    assertThat(gw.get("abc.example.com", "/san-mismatch").statusCode()).isBetween(500, 599);
  }

  @Test
  @Tag("feature=GatewayBackendClientCertificate")
  void gatewayPresentsItsClientCertificateToATlsBackend() throws Exception {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                gw.gatewayCondition("infra", "client-certificate", "ResolvedRefs")
                    .filter(c -> c.getStatus().equals("True"))
                    .isPresent());
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> gw.send(mtlsPort, "abc.example.com", "/mtls", "GET").statusCode() == 200);
    HttpResponse<String> r = gw.send(mtlsPort, "abc.example.com", "/mtls", "GET");
    assertThat(backend(r)).isEqualTo("mtls-backend");
    assertThat(r.body()).contains("tls-client=CN=weir-client", "tls-sni=abc.example.com");
  }

  @Test
  @Tag("feature=GatewayBackendClientCertificate")
  void aGatewayWithoutAClientCertificateIsRefusedByTheSameBackend() throws Exception {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> gw.send(mtlsPort, "abc.example.com", "/mtls", "GET").statusCode() == 200);
    // The same Service through Gateway same-namespace, which names no client certificate.
    assertThat(gw.get("abc.example.com", "/mtls").statusCode()).isBetween(500, 599);
  }

  @Test
  @Tag("feature=GatewayBackendClientCertificate")
  void missingClientCertificateSecretIsReportedOnTheGateway() {
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              Condition c =
                  gw.gatewayCondition("infra", "client-certificate-missing", "ResolvedRefs")
                      .orElseThrow();
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("InvalidClientCertificateRef");
              assertThat(c.getMessage()).contains("infra/nonexistent not found");
            });
  }
}
