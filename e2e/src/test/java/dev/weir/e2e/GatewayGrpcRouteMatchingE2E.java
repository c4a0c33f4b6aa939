package dev.weir.e2e;

import static dev.weir.e2e.GrpcGateway.hello;
import static dev.weir.testing.GrpcClients.attach;
import static dev.weir.testing.GrpcClients.code;
import static dev.weir.testing.GrpcClients.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testing.GrpcEchoServer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * GRPCRoute matching through the real data plane, modelled on the upstream conformance tests: exact
 * method, service and header matching, listener-hostname matching, weights, RequestHeaderModifier,
 * and the routes' status. Real grpc-java clients speak HTTP/2 with prior knowledge (h2c) to the
 * Gateway's HTTP listener; three real grpc-java backends ({@link GrpcEchoServer}) sit behind
 * Services. Each scenario has an authority of its own on one listener; listener hostnames get a
 * Gateway of their own. Every call carries a deadline, so a missing feature fails fast instead of
 * hanging.
 */
class GatewayGrpcRouteMatchingE2E {

  private static final String ECHO = "weir.testing.v1.EchoService";
  private static final String OTHER = "weir.testing.v1.OtherService";
  private static final String V1 = "grpc-infra-backend-v1";
  private static final String V2 = "grpc-infra-backend-v2";
  private static final String V3 = "grpc-infra-backend-v3";

  private static final int HOSTS_PORT = WeirStack.freePort();
  private static GatewayFixture gw;
  private static GrpcGateway grpc;
  private static GrpcEchoServer v1;
  private static GrpcEchoServer v2;
  private static GrpcEchoServer v3;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayGrpcRouteMatchingE2E.class);
    grpc = new GrpcGateway(gw);
    v1 = GrpcEchoServer.start(V1);
    v2 = GrpcEchoServer.start(V2);
    v3 = GrpcEchoServer.start(V3);
    for (GrpcEchoServer backend : List.of(v1, v2, v3)) {
      gw.service(GatewayFixture.NS, backend.name(), backend.port(), "kubernetes.io/h2c");
    }
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-exact-method, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [method.grpc.example.com]
          rules:
          - matches: [{method: {service: %1$s, method: Echo}}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{method: {type: Exact, service: %1$s, method: ServerStream}}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-service-match, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [service.grpc.example.com]
          rules:
          - matches: [{method: {service: %1$s}}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{method: {service: %2$s}}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-header-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [headers.grpc.example.com]
          rules:
          - matches: [{headers: [{name: version, value: one}]}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: version, value: two}]}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
          - matches: [{headers: [{name: version, value: two}, {name: color, value: orange}]}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-weighted, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [weights.grpc.example.com]
          rules:
          - backendRefs:
            - {name: grpc-infra-backend-v1, port: 8080, weight: 70}
            - {name: grpc-infra-backend-v2, port: 8080, weight: 30}
            - {name: grpc-infra-backend-v3, port: 8080, weight: 0}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-header-modifier, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [modifier.grpc.example.com]
          rules:
          - matches: [{method: {service: %1$s, method: Echo}}]
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set: [{name: X-Header-Set, value: set-overwrites-values}]
                add: [{name: X-Header-Add, value: add-appends-values}]
                remove: [X-Header-Remove]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-named-rules, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [named.grpc.example.com]
          rules:
          - name: named-rule
            matches: [{method: {service: %1$s, method: Echo}}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{method: {service: %1$s, method: ServerStream}}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        """
            .formatted(ECHO, OTHER));
    // GRPCRouteListenerHostnameMatching: four listeners on one port, told apart by hostname.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: grpc-hostnames, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: listener-1, port: %1$d, protocol: HTTP, hostname: bar.com}
          - {name: listener-2, port: %1$d, protocol: HTTP, hostname: foo.bar.com}
          - {name: listener-3, port: %1$d, protocol: HTTP, hostname: "*.bar.com"}
          - {name: listener-4, port: %1$d, protocol: HTTP, hostname: "*.foo.com"}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-backend-v1, namespace: infra}
        spec:
          parentRefs: [{name: grpc-hostnames, sectionName: listener-1}]
          rules: [{backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-backend-v2, namespace: infra}
        spec:
          parentRefs: [{name: grpc-hostnames, sectionName: listener-2}]
          rules: [{backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-backend-v3, namespace: infra}
        spec:
          parentRefs:
          - {name: grpc-hostnames, sectionName: listener-3}
          - {name: grpc-hostnames, sectionName: listener-4}
          rules: [{backendRefs: [{name: grpc-infra-backend-v3, port: 8080}]}]
        """
            .formatted(HOSTS_PORT));
    // Give the routes time to reach the data plane once, here; the scenarios then retry briefly.
    // A timeout is not a set-up error: each scenario fails on its own with what it saw.
    try {
      grpc.eventually(
          Duration.ofSeconds(20),
          () ->
              assertThat(grpc.echo("method.grpc.example.com").echo(hello()).getBackend())
                  .isEqualTo(V1));
    } catch (ConditionTimeoutException e) {
      System.err.println("GRPCRoute did not converge in 20 s: " + e.getMessage());
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (grpc != null) {
      grpc.close();
    }
    if (gw != null) {
      gw.close();
    }
    for (GrpcEchoServer backend : new GrpcEchoServer[] {v1, v2, v3}) {
      if (backend != null) {
        backend.close();
      }
    }
  }

  @Test
  @Tag("feature=GRPCRoute")
  void exactMethodMatching() {
    String host = "method.grpc.example.com";
    grpc.eventually(() -> assertThat(grpc.echo(host).echo(hello()).getBackend()).isEqualTo(V1));
    assertThat(grpc.echo(host).serverStream(hello()).next().getBackend()).isEqualTo(V2);
    // Conformance (GRPCExactMethodMatching): a method no rule matches is UNIMPLEMENTED.
    assertThat(code(() -> grpc.other(host).echo(hello()))).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void serviceOnlyMatchingCoversEveryMethodOfTheService() {
    String host = "service.grpc.example.com";
    grpc.eventually(() -> assertThat(grpc.echo(host).echo(hello()).getBackend()).isEqualTo(V1));
    assertThat(grpc.echo(host).serverStream(hello()).next().getBackend()).isEqualTo(V1);
    assertThat(grpc.other(host).echo(hello()).getBackend()).isEqualTo(V2);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void headerMatching() {
    String host = "headers.grpc.example.com";
    grpc.eventually(() -> assertThat(servedWith(host, "version", "one")).isEqualTo(V1));
    assertThat(servedWith(host, "version", "two")).isEqualTo(V2);
    // More header matches win (GRPCRoute precedence), whatever the rule order.
    assertThat(servedWith(host, "version", "two", "color", "orange")).isEqualTo(V1);
    assertThat(servedWith(host, "color", "blue")).isEqualTo(V1);
    assertThat(servedWith(host, "color", "green")).isEqualTo(V1);
    assertThat(servedWith(host, "color", "red")).isEqualTo(V2);
    assertThat(servedWith(host, "color", "yellow")).isEqualTo(V2);
    assertThat(code(() -> servedWith(host, "color", "purple")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(() -> servedWith(host))).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void listenerHostnameMatchingByAuthority() {
    grpc.eventually(() -> assertThat(servedOn(HOSTS_PORT, "bar.com")).isEqualTo(V1));
    assertThat(servedOn(HOSTS_PORT, "foo.bar.com")).isEqualTo(V2);
    assertThat(servedOn(HOSTS_PORT, "baz.bar.com")).isEqualTo(V3);
    assertThat(servedOn(HOSTS_PORT, "boo.bar.com")).isEqualTo(V3);
    assertThat(servedOn(HOSTS_PORT, "multiple.prefixes.bar.com")).isEqualTo(V3);
    assertThat(servedOn(HOSTS_PORT, "multiple.prefixes.foo.com")).isEqualTo(V3);
    assertThat(code(() -> servedOn(HOSTS_PORT, "foo.com"))).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(() -> servedOn(HOSTS_PORT, "no.matching.host")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    // The route's own hostnames apply on a listener without one.
    assertThat(code(() -> servedOn(gw.port, "unknown.grpc.example.com")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void weightsSplitCallsAndZeroGetsNone() {
    String host = "weights.grpc.example.com";
    grpc.eventually(() -> assertThat(grpc.echo(host).echo(hello()).getBackend()).isIn(V1, V2));
    Map<String, Integer> counts = new HashMap<>();
    int total = 300;
    for (int i = 0; i < total; i++) {
      counts.merge(grpc.echo(host).echo(hello()).getBackend(), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey(V3);
    // 70:30 → 210 of 300 expected; 5 standard deviations (~40) of a binomial is a safe band.
    assertThat(counts.getOrDefault(V1, 0)).isBetween(170, 250);
    assertThat(counts.getOrDefault(V1, 0) + counts.getOrDefault(V2, 0)).isEqualTo(total);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void requestHeaderModifierReachesTheBackend() {
    String host = "modifier.grpc.example.com";
    Metadata sent =
        metadata(
            "x-header-set", "original",
            "x-header-add", "first",
            "x-header-remove", "gone",
            "some-other-header", "kept");
    grpc.eventually(
        () ->
            assertThat(grpc.echo(host).withInterceptors(attach(sent)).echo(hello()).getBackend())
                .isEqualTo(V1));
    Map<String, String> seen =
        grpc.echo(host).withInterceptors(attach(sent)).echo(hello()).getHeadersMap();
    assertThat(seen)
        .containsEntry("x-header-set", "set-overwrites-values")
        .containsEntry("x-header-add", "first,add-appends-values")
        .containsEntry("some-other-header", "kept")
        .doesNotContainKey("x-header-remove");
  }

  /**
   * Conformance GRPCRouteNamedRule: a rule with a {@code name} sits beside an unnamed one in one
   * route; both are accepted and serve their own method.
   */
  @Test
  @Tag("feature=GRPCRoute")
  @Tag("feature=GRPCRouteNamedRouteRule")
  void namedAndUnnamedRulesServeTheirMethods() {
    String host = "named.grpc.example.com";
    grpc.eventually(() -> assertThat(grpc.echo(host).echo(hello()).getBackend()).isEqualTo(V1));
    assertThat(grpc.echo(host).serverStream(hello()).next().getBackend()).isEqualTo(V2);
    grpc.awaitAcceptedWithResolvedRefs(Map.of("grpc-named-rules", 1));
  }

  /**
   * GRPCRoute spec.hostnames: an HTTPRoute claiming a GRPCRoute's hostname on the same listener is
   * not merged with it; the older (here also first by name) GRPCRoute keeps it, and the HTTPRoute
   * is Accepted=False.
   */
  @Test
  @Tag("feature=GRPCRoute")
  void anHttpRouteOnAGrpcRoutesHostnameIsNotAccepted() {
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: a-grpc-mixed, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [mixed.grpc.example.com]
          rules: [{backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]
        """);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: b-http-mixed, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [mixed.grpc.example.com]
          rules: [{backendRefs: [{name: infra-backend-v1, port: 8080}]}]
        """);
    gw.awaitRouteCondition(
        "infra", "b-http-mixed", "same-namespace", "Accepted", "False", "HostnameConflict");
    grpc.eventually(
        () ->
            assertThat(grpc.echo("mixed.grpc.example.com").echo(hello()).getBackend())
                .isEqualTo(V1));
  }

  @Test
  @Tag("feature=GRPCRoute")
  void routesAreAcceptedWithResolvedRefsPerParent() {
    Map<String, Integer> parents =
        Map.of(
            "grpc-exact-method", 1,
            "grpc-service-match", 1,
            "grpc-header-matching", 1,
            "grpc-weighted", 1,
            "grpc-header-modifier", 1,
            "grpc-backend-v1", 1,
            "grpc-backend-v2", 1,
            "grpc-backend-v3", 2);
    grpc.awaitAcceptedWithResolvedRefs(parents);
  }

  // ---- calls

  /** Which backend served a unary Echo sent with the metadata {@code pairs}. */
  private static String servedWith(String authority, String... pairs) {
    return grpc.echo(authority)
        .withInterceptors(attach(metadata(pairs)))
        .echo(hello())
        .getBackend();
  }

  /** Which backend served a unary Echo on the listener {@code port} as {@code authority}. */
  private static String servedOn(int port, String authority) {
    return grpc.echo(port, authority).echo(hello()).getBackend();
  }
}
