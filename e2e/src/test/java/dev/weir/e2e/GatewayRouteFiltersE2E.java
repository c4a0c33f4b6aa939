package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HTTPRoute filters and timeouts through the real data plane, modelled on the upstream conformance
 * tests: header modifiers on the request, the response and a backendRef, redirects (scheme,
 * hostname, port, path, status codes), URL rewrites and timeouts. The echo backends show what
 * arrived.
 */
class GatewayRouteFiltersE2E {

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayRouteFiltersE2E.class);
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: request-headers, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [request-headers.example.com]
          rules:
          - filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set: [{name: X-Header-Set, value: set-overwrites-values}]
                add: [{name: X-Header-Add, value: add-appends-values}]
                remove: [X-Header-Remove]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: response-headers, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [response-headers.example.com]
          rules:
          - filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier:
                set: [{name: X-Backend, value: hidden}]
                add: [{name: X-Header-Add, value: added}]
                remove: [Content-Type]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: backend-headers, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [backend-headers.example.com]
          rules:
          - backendRefs:
            - name: infra-backend-v2
              port: 8080
              filters:
              - type: RequestHeaderModifier
                requestHeaderModifier:
                  set: [{name: X-Chosen-Backend, value: v2}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: redirects, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [redirect.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /scheme}}]
            filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
          - matches: [{path: {type: PathPrefix, value: /hostname}}]
            filters: [{type: RequestRedirect, requestRedirect: {hostname: example.org}}]
          - matches: [{path: {type: PathPrefix, value: /port}}]
            filters: [{type: RequestRedirect, requestRedirect: {port: 8083}}]
          - matches: [{path: {type: PathPrefix, value: /full}}]
            filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /full-path-replacement}}}]
          - matches: [{path: {type: PathPrefix, value: /prefix/one}}]
            filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}}}]
          - matches: [{path: {type: PathPrefix, value: /status-301}}]
            filters: [{type: RequestRedirect, requestRedirect: {hostname: example.org, statusCode: 301}}]
          - matches: [{path: {type: PathPrefix, value: /status-303}}]
            filters: [{type: RequestRedirect, requestRedirect: {statusCode: 303}}]
          - matches: [{path: {type: PathPrefix, value: /status-307}}]
            filters: [{type: RequestRedirect, requestRedirect: {statusCode: 307}}]
          - matches: [{path: {type: PathPrefix, value: /status-308}}]
            filters: [{type: RequestRedirect, requestRedirect: {statusCode: 308}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: rewrites, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [rewrite.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /host}}]
            filters: [{type: URLRewrite, urlRewrite: {hostname: rewritten.example.org}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /full}}]
            filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /one}}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /prefix/one}}]
            filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /two}}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /strip}}]
            filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: timeouts, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [timeout.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /request}}]
            timeouts: {request: 500ms}
            backendRefs: [{name: infra-backend-v1, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /backend}}]
            timeouts: {request: 10s, backendRequest: 500ms}
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        """);
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> gw.get("timeout.example.com", "/request").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  @Tag("feature=HTTPRoute")
  void requestHeaderModifierSetsAddsAndRemoves() throws Exception {
    HttpResponse<String> r =
        gw.get(
            "request-headers.example.com",
            "/",
            "X-Header-Set",
            "original",
            "X-Header-Add",
            "original",
            "X-Header-Remove",
            "gone");
    assertThat(r.body())
        .contains("x-header-set: set-overwrites-values")
        .doesNotContain("x-header-set: original")
        .contains("x-header-add: original")
        .contains("x-header-add: add-appends-values")
        .doesNotContain("x-header-remove");
  }

  @Test
  @Tag("feature=HTTPRouteResponseHeaderModification")
  void responseHeaderModifier() throws Exception {
    HttpResponse<String> r = gw.get("response-headers.example.com", "/");
    assertThat(r.headers().allValues("x-backend")).containsExactly("hidden");
    assertThat(r.headers().allValues("x-header-add")).containsExactly("added");
    assertThat(r.headers().firstValue("content-type")).isEmpty();
  }

  @Test
  @Tag("feature=HTTPRouteBackendRequestHeaderModification")
  void backendRefRequestHeaderModifier() throws Exception {
    HttpResponse<String> r = gw.get("backend-headers.example.com", "/");
    assertThat(backend(r)).isEqualTo("infra-backend-v2");
    assertThat(r.body()).contains("x-chosen-backend: v2");
  }

  private static HttpResponse<String> redirect(String path) throws Exception {
    return gw.get("redirect.example.com", path);
  }

  @Test
  @Tag("feature=HTTPRouteSchemeRedirect")
  void schemeRedirect() throws Exception {
    HttpResponse<String> r = redirect("/scheme?x=1");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("location"))
        .hasValue("https://redirect.example.com/scheme?x=1");
  }

  @Test
  @Tag("feature=HTTPRoute")
  void hostnameRedirectAndStatus() throws Exception {
    HttpResponse<String> r = redirect("/hostname");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("location"))
        .hasValue("http://example.org:" + gw.port + "/hostname");
    HttpResponse<String> moved = redirect("/status-301");
    assertThat(moved.statusCode()).isEqualTo(301);
    assertThat(moved.headers().firstValue("location"))
        .hasValue("http://example.org:" + gw.port + "/status-301");
  }

  @Test
  @Tag("feature=HTTPRoutePortRedirect")
  void portRedirect() throws Exception {
    assertThat(redirect("/port").headers().firstValue("location"))
        .hasValue("http://redirect.example.com:8083/port");
  }

  @Test
  @Tag("feature=HTTPRoutePathRedirect")
  void pathRedirectFullAndPrefix() throws Exception {
    assertThat(redirect("/full/x").headers().firstValue("location"))
        .hasValue("http://redirect.example.com:" + gw.port + "/full-path-replacement");
    assertThat(redirect("/prefix/one/two").headers().firstValue("location"))
        .hasValue("http://redirect.example.com:" + gw.port + "/replacement-prefix/two");
  }

  @Test
  @Tag("feature=HTTPRoute303RedirectStatusCode")
  void redirect303() throws Exception {
    assertThat(redirect("/status-303").statusCode()).isEqualTo(303);
  }

  @Test
  @Tag("feature=HTTPRoute307RedirectStatusCode")
  void redirect307() throws Exception {
    assertThat(redirect("/status-307").statusCode()).isEqualTo(307);
  }

  @Test
  @Tag("feature=HTTPRoute308RedirectStatusCode")
  void redirect308() throws Exception {
    assertThat(redirect("/status-308").statusCode()).isEqualTo(308);
  }

  @Test
  @Tag("feature=HTTPRouteHostRewrite")
  void hostRewrite() throws Exception {
    HttpResponse<String> r = gw.get("rewrite.example.com", "/host/x");
    assertThat(r.body()).contains("header host: rewritten.example.org").contains("uri=/host/x");
  }

  @Test
  @Tag("feature=HTTPRoutePathRewrite")
  void pathRewriteFullAndPrefix() throws Exception {
    assertThat(gw.get("rewrite.example.com", "/full/x?q=1").body()).contains("uri=/one?q=1");
    assertThat(gw.get("rewrite.example.com", "/prefix/one/three").body())
        .contains("uri=/two/three");
    assertThat(gw.get("rewrite.example.com", "/strip/me").body()).contains("uri=/me\n");
    assertThat(gw.get("rewrite.example.com", "/strip").body()).contains("uri=/\n");
  }

  @Test
  @Tag("feature=HTTPRouteRequestTimeout")
  void requestTimeoutAnswers504() throws Exception {
    assertThat(gw.get("timeout.example.com", "/request/slow/100").statusCode()).isEqualTo(200);
    assertThat(gw.get("timeout.example.com", "/request/slow/2000").statusCode()).isEqualTo(504);
  }

  @Test
  @Tag("feature=HTTPRouteBackendTimeout")
  void backendRequestTimeoutAnswers504() throws Exception {
    assertThat(gw.get("timeout.example.com", "/backend/slow/100").statusCode()).isEqualTo(200);
    assertThat(gw.get("timeout.example.com", "/backend/slow/2000").statusCode()).isEqualTo(504);
  }
}
