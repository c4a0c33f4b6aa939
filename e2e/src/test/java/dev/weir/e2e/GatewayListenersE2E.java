package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gateway listeners, modelled on the upstream conformance tests: several listeners on one port told
 * apart by hostname (isolation, wildcards), route hostnames intersected with listener hostnames,
 * and HTTPS listeners terminating TLS with certificates from Secrets, across namespaces only with a
 * ReferenceGrant.
 */
class GatewayListenersE2E {

  private static GatewayFixture gw;
  private static final int HOSTS_PORT = WeirStack.freePort();
  private static final int TLS_PORT = WeirStack.freePort();

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayListenersE2E.class);
    TestCertificates.Pem same = TestCertificates.selfSigned("secure.example.com");
    TestCertificates.Pem other = TestCertificates.selfSigned("*.other.example.com");
    gw.kube
        .resource(KubeObjects.tlsSecret("same-cert", same.certificatePem(), same.privateKeyPem()))
        .inNamespace("infra")
        .create();
    gw.api.apply(
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: certs}
        """);
    gw.kube
        .resource(
            KubeObjects.tlsSecret("other-cert", other.certificatePem(), other.privateKeyPem()))
        .inNamespace("certs")
        .create();
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: hosts, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: bar, port: %1$d, protocol: HTTP, hostname: bar.com}
          - {name: foo-bar, port: %1$d, protocol: HTTP, hostname: foo.bar.com}
          - {name: wildcard-bar, port: %1$d, protocol: HTTP, hostname: "*.bar.com"}
          - {name: wildcard-foo, port: %1$d, protocol: HTTP, hostname: "*.foo.com"}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: bar-route, namespace: infra}
        spec:
          parentRefs: [{name: hosts, sectionName: bar}]
          rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: foo-bar-route, namespace: infra}
        spec:
          parentRefs: [{name: hosts, sectionName: foo-bar}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /foo-bar}}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: wildcard-bar-route, namespace: infra}
        spec:
          parentRefs: [{name: hosts, sectionName: wildcard-bar}]
          rules: [{backendRefs: [{name: infra-backend-v3, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: intersect-route, namespace: infra}
        spec:
          parentRefs: [{name: hosts, sectionName: wildcard-foo}]
          hostnames: [very.specific.foo.com, unrelated.example.com]
          rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: no-intersection, namespace: infra}
        spec:
          parentRefs: [{name: hosts, sectionName: bar}]
          hostnames: [not-bar.example.com]
          rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: secure, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - name: same-namespace-cert
            port: %2$d
            protocol: HTTPS
            hostname: secure.example.com
            tls: {mode: Terminate, certificateRefs: [{name: same-cert}]}
          - name: granted-cert
            port: %2$d
            protocol: HTTPS
            hostname: "*.other.example.com"
            tls: {mode: Terminate, certificateRefs: [{name: other-cert, namespace: certs}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: secure-route, namespace: infra}
        spec:
          parentRefs: [{name: secure}]
          rules: [{backendRefs: [{name: infra-backend-v2, port: 8080}]}]
        """
            .formatted(HOSTS_PORT, TLS_PORT));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String served(int port, String host) throws Exception {
    return served(port, host, "/");
  }

  private static String served(int port, String host, String path) throws Exception {
    return backend(gw.send(port, host, path, "GET"));
  }

  @Test
  @Tag("feature=HTTPRoute")
  @Tag("feature=GatewayHTTPListenerIsolation")
  void listenersOnOnePortAreToldApartByHostname() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(served(HOSTS_PORT, "bar.com")).isEqualTo("infra-backend-v1");
              assertThat(served(HOSTS_PORT, "foo.bar.com", "/foo-bar"))
                  .isEqualTo("infra-backend-v2");
              // Isolation: foo.bar.com belongs to listener foo-bar, whose routes do not match
              // "/"; the less specific *.bar.com listener's route must not take it.
              assertThat(gw.send(HOSTS_PORT, "foo.bar.com", "/", "GET").statusCode())
                  .isEqualTo(404);
              assertThat(served(HOSTS_PORT, "baz.bar.com")).isEqualTo("infra-backend-v3");
              // Gateway API wildcards match one or more labels.
              assertThat(served(HOSTS_PORT, "a.b.bar.com")).isEqualTo("infra-backend-v3");
              assertThat(gw.send(HOSTS_PORT, "foo.com", "/", "GET").statusCode()).isEqualTo(404);
            });
  }

  @Test
  @Tag("feature=HTTPRoute")
  void routeHostnamesAreIntersectedWithTheListenersHostname() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> served(HOSTS_PORT, "very.specific.foo.com").equals("infra-backend-v1"));
    assertThat(gw.send(HOSTS_PORT, "unrelated.example.com", "/", "GET").statusCode())
        .isEqualTo(404);
    assertThat(gw.send(HOSTS_PORT, "other.foo.com", "/", "GET").statusCode()).isEqualTo(404);
    gw.awaitRouteCondition(
        "infra", "no-intersection", "hosts", "Accepted", "False", "NoMatchingListenerHostname");
  }

  @Test
  @Tag("feature=Gateway")
  void httpsListenerTerminatesTlsWithItsSecretsCertificate() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (TlsClient tls = new TlsClient(TLS_PORT, "secure.example.com")) {
                assertThat(tls.certificate().getSubjectX500Principal().getName())
                    .isEqualTo("CN=secure.example.com");
                assertThat(tls.get("secure.example.com", "/"))
                    .startsWith("HTTP/1.1 200")
                    .contains("x-backend: infra-backend-v2");
              }
            });
  }

  @Test
  @Tag("feature=ReferenceGrant")
  void crossNamespaceCertificateNeedsAReferenceGrant() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                gw.listenerCondition("infra", "secure", "granted-cert", "ResolvedRefs")
                    .filter(
                        c ->
                            c.getStatus().equals("False")
                                && c.getReason().equals("RefNotPermitted"))
                    .isPresent());
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata: {name: allow-infra-gateways, namespace: certs}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
          to: [{group: "", kind: Secret}]
        """);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(gw.listenerCondition("infra", "secure", "granted-cert", "ResolvedRefs"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              try (TlsClient tls = new TlsClient(TLS_PORT, "shop.other.example.com")) {
                assertThat(tls.certificate().getSubjectX500Principal().getName())
                    .isEqualTo("CN=*.other.example.com");
              }
            });
  }

  @Test
  @Tag("feature=Gateway")
  void listenerStatusCountsAttachedRoutes() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Gateway g = gw.gateway("infra", "hosts");
              assertThat(g.getStatus().getListeners())
                  .extracting(ListenerStatus::getName, ListenerStatus::getAttachedRoutes)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("bar", 1),
                      org.assertj.core.groups.Tuple.tuple("foo-bar", 1),
                      org.assertj.core.groups.Tuple.tuple("wildcard-bar", 1),
                      org.assertj.core.groups.Tuple.tuple("wildcard-foo", 1));
            });
  }
}
