package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HTTPRoute matching through the real data plane, modelled on the upstream conformance tests of the
 * same names: exact and prefix paths, headers, query parameters, methods, precedence across routes,
 * and weighted backends. Each scenario has a hostname of its own on one listener.
 */
class GatewayRouteMatchingE2E {

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayRouteMatchingE2E.class);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: exact-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [exact.example.com]
          rules:
          - matches: [{path: {type: Exact, value: /one}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: Exact, value: /two}}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: prefix-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [prefix.example.com]
          rules:
          - backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /foo}}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /foo/bar}}]
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: header-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [headers.example.com]
          rules:
          - matches: [{headers: [{name: version, value: one}]}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: version, value: two}]}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
          - matches: [{headers: [{name: color, type: RegularExpression, value: "^(red|blue)$"}]}]
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: query-param-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [query.example.com]
          rules:
          - matches: [{queryParams: [{name: animal, value: whale}]}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{queryParams: [{name: animal, value: dolphin}]}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
          - matches: [{queryParams: [{name: animal, value: dolphin}, {name: color, value: blue}]}]
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: method-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [method.example.com]
          rules:
          - matches: [{method: POST}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{method: GET}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: weighted, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [weights.example.com]
          rules:
          - backendRefs:
            - {name: infra-backend-v1, port: 8080, weight: 3}
            - {name: infra-backend-v2, port: 8080, weight: 1}
            - {name: infra-backend-v3, port: 8080, weight: 0}
        """);
    // Matching across routes: the older route's prefix loses to the newer route's exact path
    // and header match, by the spec's precedence, whatever the order of creation.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: across-a, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [across.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: across-b, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [across.example.com]
          rules:
          - matches: [{path: {type: Exact, value: /v2}}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /}, headers: [{name: version, value: three}]}]
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        """);
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> gw.get("across.example.com", "/v2").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String served(String host, String path, String... headers) throws Exception {
    return backend(gw.get(host, path, headers));
  }

  @Test
  @Tag("feature=HTTPRoute")
  void exactPathMatching() throws Exception {
    assertThat(served("exact.example.com", "/one")).isEqualTo("infra-backend-v1");
    assertThat(served("exact.example.com", "/two")).isEqualTo("infra-backend-v2");
    assertThat(gw.get("exact.example.com", "/one/example").statusCode()).isEqualTo(404);
    assertThat(gw.get("exact.example.com", "/").statusCode()).isEqualTo(404);
  }

  @Test
  @Tag("feature=HTTPRoute")
  void longestPrefixWinsElementWise() throws Exception {
    assertThat(served("prefix.example.com", "/")).isEqualTo("infra-backend-v1");
    assertThat(served("prefix.example.com", "/foo")).isEqualTo("infra-backend-v2");
    assertThat(served("prefix.example.com", "/foo/")).isEqualTo("infra-backend-v2");
    assertThat(served("prefix.example.com", "/foobar")).isEqualTo("infra-backend-v1");
    assertThat(served("prefix.example.com", "/foo/bar/baz")).isEqualTo("infra-backend-v3");
  }

  @Test
  @Tag("feature=HTTPRoute")
  void headerMatchingExactAndRegularExpression() throws Exception {
    assertThat(served("headers.example.com", "/", "version", "one")).isEqualTo("infra-backend-v1");
    assertThat(served("headers.example.com", "/", "Version", "two")).isEqualTo("infra-backend-v2");
    assertThat(served("headers.example.com", "/", "color", "blue")).isEqualTo("infra-backend-v3");
    assertThat(gw.get("headers.example.com", "/", "color", "green").statusCode()).isEqualTo(404);
    assertThat(gw.get("headers.example.com", "/", "version", "ONE").statusCode()).isEqualTo(404);
  }

  @Test
  @Tag("feature=HTTPRouteQueryParamMatching")
  void queryParamMatching() throws Exception {
    assertThat(served("query.example.com", "/?animal=whale")).isEqualTo("infra-backend-v1");
    assertThat(served("query.example.com", "/?animal=dolphin")).isEqualTo("infra-backend-v2");
    assertThat(served("query.example.com", "/?animal=dolphin&color=blue"))
        .isEqualTo("infra-backend-v3");
    assertThat(gw.get("query.example.com", "/?animal=shark").statusCode()).isEqualTo(404);
  }

  @Test
  @Tag("feature=HTTPRouteMethodMatching")
  void methodMatching() throws Exception {
    assertThat(backend(gw.send("method.example.com", "/", "POST"))).isEqualTo("infra-backend-v1");
    assertThat(backend(gw.send("method.example.com", "/", "GET"))).isEqualTo("infra-backend-v2");
    assertThat(gw.send("method.example.com", "/", "DELETE").statusCode()).isEqualTo(404);
  }

  @Test
  @Tag("feature=HTTPRoute")
  void precedenceAcrossRoutes() throws Exception {
    assertThat(served("across.example.com", "/v2")).isEqualTo("infra-backend-v2");
    assertThat(served("across.example.com", "/x", "version", "three"))
        .isEqualTo("infra-backend-v3");
    assertThat(served("across.example.com", "/x")).isEqualTo("infra-backend-v1");
  }

  @Test
  @Tag("feature=HTTPRoute")
  void weightsSplitTrafficAndZeroGetsNone() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    int total = 400;
    for (int i = 0; i < total; i++) {
      counts.merge(served("weights.example.com", "/"), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey("infra-backend-v3");
    // 3:1 → 300 of 400 expected; 5 standard deviations (~43) of a binomial is a safe band.
    assertThat(counts.get("infra-backend-v1")).isBetween(257, 343);
    assertThat(counts.get("infra-backend-v1") + counts.get("infra-backend-v2")).isEqualTo(total);
  }
}
