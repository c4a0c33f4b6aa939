package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HTTPRoute traffic features, modelled on the upstream conformance tests: request mirrors (one,
 * several, a percentage), CORS, retries, and an invalid backendRef's share answered with 500. The
 * echo backends count the requests that reached them.
 */
class GatewayRouteTrafficE2E {

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayRouteTrafficE2E.class);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: mirror, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [mirror.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /one}}]
            filters:
            - type: RequestMirror
              requestMirror: {backendRef: {name: infra-backend-v2, port: 8080}}
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /many}}]
            filters:
            - type: RequestMirror
              requestMirror: {backendRef: {name: infra-backend-v2, port: 8080}}
            - type: RequestMirror
              requestMirror: {backendRef: {name: infra-backend-v3, port: 8080}}
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /half}}]
            filters:
            - type: RequestMirror
              requestMirror:
                backendRef: {name: infra-backend-v3, port: 8080}
                fraction: {numerator: 1, denominator: 2}
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: cors, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [cors.example.com]
          rules:
          - filters:
            - type: CORS
              cors:
                allowOrigins: ["https://www.foo.com", "https://*.bar.com"]
                allowMethods: [GET, PUT]
                allowHeaders: [x-header-1]
                exposeHeaders: [x-header-3]
                allowCredentials: true
                maxAge: 3600
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: retry, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [retry.example.com]
          rules:
          - retry: {codes: [503], attempts: 3, backoff: 100ms}
            backendRefs: [{name: infra-backend-v3, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: half-invalid, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [half-invalid.example.com]
          rules:
          - backendRefs:
            - {name: infra-backend-v1, port: 8080}
            - {name: does-not-exist, port: 8080}
        """);
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> gw.get("retry.example.com", "/").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @Tag("feature=HTTPRouteRequestMirror")
  void requestIsMirroredWhileTheClientGetsThePrimarysResponse() throws Exception {
    long before = gw.v2.requests();
    HttpResponse<String> r = gw.get("mirror.example.com", "/one/x");
    assertThat(backend(r)).isEqualTo("infra-backend-v1");
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.v2.requests() > before);
  }

  @Test
  @Tag("feature=HTTPRouteRequestMultipleMirrors")
  void requestIsMirroredToEveryMirror() throws Exception {
    long v2 = gw.v2.requests();
    long v3 = gw.v3.requests();
    assertThat(backend(gw.get("mirror.example.com", "/many"))).isEqualTo("infra-backend-v1");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> gw.v2.requests() > v2 && gw.v3.requests() > v3);
  }

  @Test
  @Tag("feature=HTTPRouteRequestPercentageMirror")
  void aFractionOfRequestsIsMirrored() throws Exception {
    long v3 = gw.v3.requests();
    int total = 400;
    for (int i = 0; i < total; i++) {
      assertThat(gw.get("mirror.example.com", "/half").statusCode()).isEqualTo(200);
    }
    // 1/2 of 400: 200 expected; 5 standard deviations of a binomial (~50) is a safe band.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(gw.v3.requests() - v3).isBetween(150L, 250L));
  }

  @Test
  @Tag("feature=HTTPRouteCORS")
  void corsPreflightAndActualRequests() throws Exception {
    HttpResponse<String> preflight =
        gw.send(
            "cors.example.com",
            "/",
            "OPTIONS",
            "Origin",
            "https://app.bar.com",
            "Access-Control-Request-Method",
            "PUT",
            "Access-Control-Request-Headers",
            "x-header-1");
    assertThat(preflight.statusCode()).isBetween(200, 204);
    assertThat(preflight.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.bar.com");
    assertThat(preflight.headers().firstValue("access-control-allow-methods").orElse(""))
        .contains("PUT");
    assertThat(preflight.headers().firstValue("access-control-allow-headers").orElse(""))
        .containsIgnoringCase("x-header-1");
    assertThat(preflight.headers().firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("3600");

    HttpResponse<String> actual = gw.get("cors.example.com", "/", "Origin", "https://www.foo.com");
    assertThat(backend(actual)).isEqualTo("infra-backend-v1");
    assertThat(actual.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://www.foo.com");
    assertThat(actual.headers().firstValue("access-control-expose-headers").orElse(""))
        .containsIgnoringCase("x-header-3");

    HttpResponse<String> foreign =
        gw.send(
            "cors.example.com",
            "/",
            "OPTIONS",
            "Origin",
            "https://evil.example.org",
            "Access-Control-Request-Method",
            "PUT");
    assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  @Tag("feature=HTTPRouteRetry")
  void retriableStatusIsRetriedUpToTheAttempts() throws Exception {
    long before = gw.v3.requests();
    long start = System.nanoTime();
    HttpResponse<String> r = gw.get("retry.example.com", "/status/503");
    assertThat(r.statusCode()).isEqualTo(503);
    // Gateway API: attempts counts retries, so the first try plus three retries.
    assertThat(gw.v3.requests() - before).isEqualTo(4);
    // A 100 ms wait before each of the three retries.
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
    long ok = gw.v3.requests();
    assertThat(gw.get("retry.example.com", "/status/404").statusCode()).isEqualTo(404);
    assertThat(gw.v3.requests() - ok).isEqualTo(1);
  }

  @Test
  @Tag("feature=HTTPRoute")
  void anInvalidBackendRefsShareIsAnswered500() throws Exception {
    Map<Integer, Integer> statuses = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      statuses.merge(gw.get("half-invalid.example.com", "/").statusCode(), 1, Integer::sum);
    }
    assertThat(statuses.keySet()).containsExactlyInAnyOrder(200, 500);
    assertThat(statuses.get(500)).isBetween(65, 135);
  }
}
