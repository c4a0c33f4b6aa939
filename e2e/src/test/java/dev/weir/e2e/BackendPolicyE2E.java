package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.BackendPolicySpec;
import dev.weir.controller.crd.PolicyTargetRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackendPolicy (weir.dev/v1alpha1) through the mock API server, the real controller and a real
 * data plane: a valid RingHash policy on a header is accepted with the Gateway as its ancestor, an
 * invalid one (RingHash without hashOn) is {@code Accepted=False, Invalid}, and traffic to both
 * Services keeps flowing. What the data plane does with the settings is tested on its side.
 */
class BackendPolicyE2E {

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
}
