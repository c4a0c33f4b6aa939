package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.BackendPolicySpec;
import dev.weir.controller.crd.PolicyTargetRef;
import dev.weir.testing.EchoServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackendPolicy (weir.dev/v1alpha1) through the mock API server, the real controller and a real
 * data plane: a valid RingHash policy on a header is accepted with the Gateway as its ancestor, an
 * invalid one (RingHash without hashOn) is {@code Accepted=False, Invalid}, and traffic to both
 * Services keeps flowing. On Services with three endpoints, policies applied as YAML show what the
 * data plane does with them: RingHash on a header keeps each key on one endpoint, and a session
 * cookie keeps each client on the endpoint it first reached; policies the data plane would reject
 * (a non-prime Maglev table, a duration that does not parse) are Invalid and ignored, and later
 * changes are still served.
 */
class BackendPolicyE2E {

  private static final Set<String> TRIO =
      Set.of("infra-backend-v1", "infra-backend-v2", "infra-backend-v3");

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(BackendPolicyE2E.class);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: policies, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [policy.example.com]
          rules:
          - matches: [{path: {value: /hashed}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {value: /broken}}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
        """);
    create("ring", "infra-backend-v1", "x-user");
    create("no-key", "infra-backend-v2", null);
    List<EchoServer> trio = List.of(gw.v1, gw.v2, gw.v3);
    gw.service(GatewayFixture.NS, "hashed-trio", trio);
    gw.service(GatewayFixture.NS, "sticky-trio", trio);
    gw.api.apply(
        """
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: hashed-trio, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: hashed-trio}]
          loadBalancer: {type: RingHash, hashOn: {header: x-user}}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: sticky-trio, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: sticky-trio}]
          sessionPersistence: {type: Cookie, name: weir-e2e-session}
        """);
    gw.awaitPolicyAccepted("hashed-trio", "True", "Accepted");
    gw.awaitPolicyAccepted("sticky-trio", "True", "Accepted");
    // Applied once both policies are Accepted: a snapshot that serves it carries them too.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: trio, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [trio.example.com]
          rules:
          - matches: [{path: {value: /hashed}}]
            backendRefs: [{name: hashed-trio, port: 8080}]
          - matches: [{path: {value: /sticky}}]
            backendRefs: [{name: sticky-trio, port: 8080}]
        """);
    for (String path : List.of("/hashed", "/sticky")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> gw.get("trio.example.com", path).statusCode() == 200);
    }
  }

  private static void create(String name, String service, String header) {
    BackendPolicy p = new BackendPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(GatewayFixture.NS).build());
    BackendPolicySpec spec = new BackendPolicySpec();
    spec.targetRefs.add(new PolicyTargetRef("", "Service", service, null));
    spec.loadBalancer = new BackendPolicySpec.LoadBalancer();
    spec.loadBalancer.type = BackendPolicySpec.Algorithm.RingHash;
    if (header != null) {
      spec.loadBalancer.hashOn = new BackendPolicySpec.HashOn();
      spec.loadBalancer.hashOn.header = header;
    }
    p.setSpec(spec);
    gw.kube.resources(BackendPolicy.class).inNamespace(GatewayFixture.NS).resource(p).create();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void ringHashOnAHeaderIsAcceptedAndServes() throws Exception {
    PolicyAncestorStatus a = gw.awaitPolicyAccepted("ring", "True", "Accepted");
    assertThat(a.getAncestorRef().getKind()).isEqualTo("Gateway");
    assertThat(a.getAncestorRef().getName()).isEqualTo("same-namespace");
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> gw.get("policy.example.com", "/hashed", "x-user", "alice").statusCode() == 200);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gw.get("policy.example.com", "/hashed", "x-user", "user-" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(backend(r)).isEqualTo("infra-backend-v1");
    }
  }

  @Test
  void ringHashOnAHeaderKeepsEachKeyOnOneOfSeveralEndpoints() throws Exception {
    Set<String> used = new HashSet<>();
    for (int key = 0; key < 12; key++) {
      String first = backend(gw.get("trio.example.com", "/hashed", "x-user", "user-" + key));
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> r =
            gw.get("trio.example.com", "/hashed/" + i, "x-user", "user-" + key);
        assertThat(backend(r)).as("user-%d, request %d", key, i).isEqualTo(first);
      }
      used.add(first);
    }
    // Twelve keys on a ring of three endpoints: all on one would be a broken hash.
    assertThat(used).hasSizeGreaterThan(1).isSubsetOf(TRIO);
    // Without the header, the request is balanced round robin: three in a row reach all three.
    Set<String> unkeyed = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      unkeyed.add(backend(gw.get("trio.example.com", "/hashed")));
    }
    assertThat(unkeyed).isEqualTo(TRIO);
  }

  @Test
  void sessionCookieKeepsEachClientOnTheEndpointItFirstReached() throws Exception {
    // Three new clients in a row are balanced round robin, so they reach the three endpoints.
    Map<String, String> endpointByCookie = new HashMap<>();
    for (int client = 0; client < 3; client++) {
      HttpResponse<String> first = gw.get("trio.example.com", "/sticky");
      String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
      assertThat(setCookie).startsWith("weir-e2e-session=").contains("Path=/", "HttpOnly");
      endpointByCookie.put(setCookie.substring(0, setCookie.indexOf(';')), backend(first));
    }
    assertThat(Set.copyOf(endpointByCookie.values())).isEqualTo(TRIO);
    // Their later requests, interleaved, each go back to the client's own endpoint.
    for (int i = 0; i < 4; i++) {
      for (Map.Entry<String, String> client : endpointByCookie.entrySet()) {
        HttpResponse<String> r =
            gw.get("trio.example.com", "/sticky/" + i, "cookie", client.getKey());
        assertThat(backend(r))
            .as("%s, request %d", client.getKey(), i)
            .isEqualTo(client.getValue());
      }
    }
  }

  @Test
  void invalidPolicyIsReportedAndTrafficKeepsItsDefaults() throws Exception {
    PolicyAncestorStatus a = gw.awaitPolicyAccepted("no-key", "False", "Invalid");
    assertThat(a.getAncestorRef().getName()).isEqualTo("same-namespace");
    assertThat(GatewayFixture.condition(a.getConditions(), "Accepted").orElseThrow().getMessage())
        .contains("hashOn");
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("policy.example.com", "/broken").statusCode() == 200);
    assertThat(backend(gw.get("policy.example.com", "/broken"))).isEqualTo("infra-backend-v2");
  }

  @Test
  void policiesTheDataPlaneWouldRejectAreInvalidAndLaterChangesStillApply() throws Exception {
    // The mock API server does not enforce the CRD's schema, so the controller must catch these:
    // sent on, a non-prime Maglev table would make the data plane NACK the whole snapshot.
    gw.service(GatewayFixture.NS, "odd-trio", List.of(gw.v1, gw.v2, gw.v3));
    gw.api.apply(
        """
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: not-prime, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: odd-trio}]
          loadBalancer: {type: Maglev, tableSize: 100, hashOn: {header: x-user}}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: bad-interval, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: infra-backend-v3}]
          healthCheck: {type: TCP, interval: soon}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: odd, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [odd.example.com]
          rules:
          - matches: [{path: {value: /odd}}]
            backendRefs: [{name: odd-trio, port: 8080}]
          - matches: [{path: {value: /v3}}]
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        """);
    gw.awaitPolicyAccepted("not-prime", "False", "Invalid");
    gw.awaitPolicyAccepted("bad-interval", "False", "Invalid");
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(gw.get("odd.example.com", "/v3").statusCode()).isEqualTo(200);
              assertThat(gw.get("odd.example.com", "/odd").statusCode()).isEqualTo(200);
            });
    // The invalid Maglev policy is ignored: the Service keeps round robin.
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      seen.add(backend(gw.get("odd.example.com", "/odd", "x-user", "same-key")));
    }
    assertThat(seen).isEqualTo(TRIO);
    // A route applied afterwards is served too: the data plane did not reject a snapshot.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: after-odd, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [after-odd.example.com]
          rules:
          - backendRefs: [{name: infra-backend-v1, port: 8080}]
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("after-odd.example.com", "/").statusCode() == 200);
    // Every data plane ACKed what it was sent: a NACK would show as Programmed=False, Invalid.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                gw.gatewayCondition(GatewayFixture.NS, "same-namespace", "Programmed")
                    .filter(c -> c.getStatus().equals("True"))
                    .isPresent());
  }
}
