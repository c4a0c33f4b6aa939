package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static dev.weir.e2e.GatewayFixture.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Status that tells the truth, modelled on the upstream conformance tests: GatewayClass acceptance,
 * Gateway and listener conditions with attached routes, route conditions for bad references and
 * parents, ReferenceGrant, and {@code Programmed} following what the data plane really ACKed or
 * NACKed.
 */
class GatewayStatusE2E {

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayStatusE2E.class);
    gw.service("other", "other-backend", gw.v2);
    gw.service("granted", "granted-backend", gw.v3);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: good, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [good.example.com]
          rules:
          - backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: missing-backend, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [missing.example.com]
          rules:
          - backendRefs: [{name: does-not-exist, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: unknown-kind, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [kind.example.com]
          rules:
          - backendRefs: [{group: example.com, kind: Unknown, name: x, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: cross-namespace, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [cross.example.com]
          rules:
          - backendRefs: [{name: other-backend, namespace: other, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: granted, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [granted.example.com]
          rules:
          - backendRefs: [{name: granted-backend, namespace: granted, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata: {name: allow-infra-routes, namespace: granted}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
          to: [{group: "", kind: Service}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: wrong-section, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace, sectionName: no-such-listener}]
          rules:
          - backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: parent-port, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace, port: %1$d}]
          hostnames: [parent-port.example.com]
          rules:
          - backendRefs: [{name: infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: wrong-port, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace, port: %2$d}]
          rules:
          - backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: named-rules, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [named.example.com]
          rules:
          - name: first-rule
            matches: [{path: {type: PathPrefix, value: /first}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - name: second-rule
            backendRefs: [{name: infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: other-namespace, namespace: other}
        spec:
          parentRefs: [{name: same-namespace, namespace: infra}]
          rules:
          - backendRefs: [{name: other-backend, port: 8080}]
        """
            .formatted(gw.port, gw.port + 1));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /**
   * Waits until route {@code infra/route} reports ResolvedRefs False with {@code reason}, then
   * checks that its hostname answers 500 (the unresolved backend's share).
   */
  private static void awaitUnresolvedAnswering500(String route, String reason, String host)
      throws Exception {
    gw.awaitRouteCondition("infra", route, "same-namespace", "ResolvedRefs", "False", reason);
    assertThat(gw.get(host, "/").statusCode()).isEqualTo(500);
  }

  @Test
  @Tag("feature=Gateway")
  void gatewayClassIsAcceptedAndListsWhatItSupports() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions() // status is null until the controller first writes it
        .untilAsserted(
            () -> {
              GatewayClass c = gw.kube.resources(GatewayClass.class).withName("weir").get();
              assertThat(condition(c.getStatus().getConditions(), "Accepted"))
                  .hasValueSatisfying(a -> assertThat(a.getStatus()).isEqualTo("True"));
              assertThat(c.getStatus().getSupportedFeatures()).isNotEmpty();
            });
  }

  @Test
  @Tag("feature=Gateway")
  void gatewayIsProgrammedOnceTheDataPlaneAckedItWithAttachedRoutesCounted() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions() // status is null until the controller first writes it
        .untilAsserted(
            () -> {
              Gateway g = gw.gateway("infra", "same-namespace");
              assertThat(condition(g.getStatus().getConditions(), "Accepted"))
                  .hasValueSatisfying(a -> assertThat(a.getStatus()).isEqualTo("True"));
              assertThat(condition(g.getStatus().getConditions(), "Programmed"))
                  .hasValueSatisfying(
                      a -> {
                        assertThat(a.getStatus()).isEqualTo("True");
                        assertThat(a.getObservedGeneration())
                            .isEqualTo(g.getMetadata().getGeneration());
                      });
              ListenerStatus http = g.getStatus().getListeners().get(0);
              assertThat(http.getName()).isEqualTo("http");
              // good, missing-backend, unknown-kind, cross-namespace, granted, parent-port and
              // named-rules attach; wrong-section, wrong-port and other-namespace do not.
              assertThat(http.getAttachedRoutes()).isEqualTo(7);
            });
  }

  @Test
  @Tag("feature=HTTPRoute")
  void acceptedRouteServesTrafficAndReportsResolvedRefs() throws Exception {
    gw.awaitRouteCondition("infra", "good", "same-namespace", "Accepted", "True", "Accepted");
    gw.awaitRouteCondition(
        "infra", "good", "same-namespace", "ResolvedRefs", "True", "ResolvedRefs");
    assertThat(backend(gw.get("good.example.com", "/"))).isEqualTo("infra-backend-v1");
  }

  @Test
  @Tag("feature=HTTPRoute")
  void missingBackendIsBackendNotFoundAndAnswers500() throws Exception {
    awaitUnresolvedAnswering500("missing-backend", "BackendNotFound", "missing.example.com");
  }

  @Test
  @Tag("feature=HTTPRoute")
  void unknownBackendKindIsInvalidKind() throws Exception {
    awaitUnresolvedAnswering500("unknown-kind", "InvalidKind", "kind.example.com");
  }

  @Test
  @Tag("feature=ReferenceGrant")
  void crossNamespaceBackendNeedsAReferenceGrant() throws Exception {
    awaitUnresolvedAnswering500("cross-namespace", "RefNotPermitted", "cross.example.com");
    gw.awaitRouteCondition(
        "infra", "granted", "same-namespace", "ResolvedRefs", "True", "ResolvedRefs");
    assertThat(backend(gw.get("granted.example.com", "/"))).isEqualTo("infra-backend-v3");
  }

  @Test
  @Tag("feature=HTTPRoute")
  void unknownSectionNameIsNoMatchingParent() {
    gw.awaitRouteCondition(
        "infra", "wrong-section", "same-namespace", "Accepted", "False", "NoMatchingParent");
  }

  @Test
  @Tag("feature=HTTPRouteParentRefPort")
  void parentRefPortSelectsTheListenerOnThatPort() throws Exception {
    gw.awaitRouteCondition(
        "infra", "parent-port", "same-namespace", "Accepted", "True", "Accepted");
    assertThat(backend(gw.get("parent-port.example.com", "/"))).isEqualTo("infra-backend-v2");
    gw.awaitRouteCondition(
        "infra", "wrong-port", "same-namespace", "Accepted", "False", "NoMatchingParent");
  }

  @Test
  @Tag("feature=HTTPRouteNamedRouteRule")
  void namedRulesAreAcceptedAndServe() throws Exception {
    gw.awaitRouteCondition(
        "infra", "named-rules", "same-namespace", "Accepted", "True", "Accepted");
    assertThat(backend(gw.get("named.example.com", "/first/x"))).isEqualTo("infra-backend-v1");
    assertThat(backend(gw.get("named.example.com", "/other"))).isEqualTo("infra-backend-v2");
  }

  /**
   * GatewayClass.status.supportedFeatures must list exactly the features these scenarios prove:
   * every {@code feature=} tag of the Gateway API scenario classes, no more and no fewer.
   */
  @Test
  @Tag("feature=Gateway")
  void supportedFeaturesAreExactlyTheFeaturesTheScenariosProve() {
    java.util.Set<String> proven = new java.util.TreeSet<>();
    for (Class<?> scenario :
        List.of(
            GatewayStatusE2E.class,
            GatewayRouteMatchingE2E.class,
            GatewayRouteFiltersE2E.class,
            GatewayListenersE2E.class,
            GatewayRestartE2E.class,
            GatewayRouteTrafficE2E.class,
            GatewayGrpcRouteMatchingE2E.class,
            GatewayGrpcRouteStreamingE2E.class,
            GatewayBackendProtocolE2E.class,
            GatewayWebSocketE2E.class,
            GatewayPort8080E2E.class,
            GatewayAddressesE2E.class,
            GatewayMisdirectedRequestsE2E.class,
            GatewayBackendTlsE2E.class)) {
      for (java.lang.reflect.Method m : scenario.getDeclaredMethods()) {
        for (Tag tag : m.getAnnotationsByType(Tag.class)) {
          if (tag.value().startsWith("feature=")) {
            proven.add(tag.value().substring("feature=".length()));
          }
        }
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions() // status is null until the controller first writes it
        .untilAsserted(
            () ->
                assertThat(
                        gw.kube
                            .resources(GatewayClass.class)
                            .withName("weir")
                            .get()
                            .getStatus()
                            .getSupportedFeatures())
                    .extracting(f -> f.getName())
                    .containsExactlyInAnyOrderElementsOf(proven));
  }

  @Test
  @Tag("feature=HTTPRoute")
  void routeFromANamespaceTheListenerDoesNotAllowIsNotAllowed() {
    gw.awaitRouteCondition(
        "other", "other-namespace", "same-namespace", "Accepted", "False", "NotAllowedByListeners");
  }

  @Test
  @Tag("feature=Gateway")
  void aNackShowsOnTheGatewayNamingThePodAndTheLastGoodConfigKeepsServing() throws Exception {
    try (GatewayFixture.BlockedGateway unlucky = gw.blockedGateway("unlucky")) {
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(gw.gatewayCondition("infra", "unlucky", "Programmed"))
                      .hasValueSatisfying(
                          p -> {
                            assertThat(p.getStatus()).isEqualTo("False");
                            assertThat(p.getMessage())
                                .contains("e2e-dataplane")
                                .contains(Integer.toString(unlucky.port()));
                          }));
      assertThat(backend(gw.get("good.example.com", "/"))).isEqualTo("infra-backend-v1");
    }
  }
}
