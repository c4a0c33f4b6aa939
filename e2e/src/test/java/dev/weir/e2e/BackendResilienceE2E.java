package dev.weir.e2e;

import static dev.weir.e2e.GatewayFixture.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackendPolicy resilience settings, declared as a user would (YAML applied to the mock API
 * server), translated by the real controller and enforced by a real data plane in front of echo
 * backends that fail, slow down and recover:
 *
 * <ul>
 *   <li>an HTTP health check on {@code /healthz} takes a failing endpoint out and brings it back;
 *   <li>outlier detection ejects an endpoint answering 500s, until its ejection time is over;
 *   <li>the circuit breaker answers 503 {@code x-weir-overloaded: true} over {@code maxRequests};
 *   <li>a retry budget caps a route's retries to an always-failing backend.
 * </ul>
 *
 * Each scenario has its own Services and backends, so they may run in any order. Weir's own
 * features, not Gateway API ones: no {@code feature=} tags.
 */
class BackendResilienceE2E {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static GatewayFixture gw;
  private static final EchoServer checkedA = EchoServer.start("checked-a");
  private static final EchoServer checkedB = EchoServer.start("checked-b");
  private static final EchoServer outlierA = EchoServer.start("outlier-a");
  private static final EchoServer outlierB = EchoServer.start("outlier-b");
  private static final EchoServer guarded = EchoServer.start("guarded");
  private static final EchoServer budgeted = EchoServer.start("budgeted");
  private static final EchoServer unbudgeted = EchoServer.start("unbudgeted");
  private static final EchoServer floorless = EchoServer.start("floorless");

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(BackendResilienceE2E.class);
    gw.service(GatewayFixture.NS, "checked", List.of(checkedA, checkedB));
    gw.service(GatewayFixture.NS, "outlier", List.of(outlierA, outlierB));
    gw.service(GatewayFixture.NS, "guarded", guarded);
    gw.service(GatewayFixture.NS, "budgeted", budgeted);
    gw.service(GatewayFixture.NS, "unbudgeted", unbudgeted);
    gw.service(GatewayFixture.NS, "floorless", floorless);
    gw.api.apply(
        """
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: checked, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: checked}]
          healthCheck:
            type: HTTP
            http: {path: /healthz, expectedStatuses: ["200"]}
            interval: 200ms
            timeout: 1s
            healthyThreshold: 1
            unhealthyThreshold: 2
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: outlier, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: outlier}]
          outlierDetection: {consecutive5xx: 2, baseEjectionTime: 3s, maxEjectionPercent: 50}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: guarded, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: guarded}]
          circuitBreaker: {maxRequests: 2}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: budgeted, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: budgeted}]
          retryBudget: {budgetPercent: 10, minRetryConcurrency: 1}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: floorless, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: floorless}]
          retryBudget: {budgetPercent: 1, minRetryConcurrency: 0}
        """);
    for (String policy : List.of("checked", "outlier", "guarded", "budgeted", "floorless")) {
      gw.awaitPolicyAccepted(policy, "True", "Accepted");
    }
    // Applied after every policy is Accepted, so any snapshot that serves these routes also
    // carries the policies' settings.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: resilience, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [resilience.example.com]
          rules:
          - matches: [{path: {value: /checked}}]
            backendRefs: [{name: checked, port: 8080}]
          - matches: [{path: {value: /outlier}}]
            backendRefs: [{name: outlier, port: 8080}]
          - matches: [{path: {value: /guarded}}]
            backendRefs: [{name: guarded, port: 8080}]
          - matches: [{path: {value: /budgeted}}]
            retry: {codes: [500], attempts: 2}
            backendRefs: [{name: budgeted, port: 8080}]
          - matches: [{path: {value: /unbudgeted}}]
            retry: {codes: [500], attempts: 2}
            backendRefs: [{name: unbudgeted, port: 8080}]
          - matches: [{path: {value: /floorless}}]
            retry: {codes: [500], attempts: 2}
            backendRefs: [{name: floorless, port: 8080}]
        """);
    for (String path :
        List.of("/checked", "/outlier", "/guarded", "/budgeted", "/unbudgeted", "/floorless")) {
      await().atMost(PATIENCE).ignoreExceptions().until(() -> get(path).statusCode() == 200);
    }
  }

  @AfterAll
  static void stop() {
    try {
      gw.close();
    } finally {
      for (EchoServer s :
          List.of(
              checkedA, checkedB, outlierA, outlierB, guarded, budgeted, unbudgeted, floorless)) {
        s.close();
      }
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return gw.get("resilience.example.com", path);
  }

  /** The backends that served {@code n} requests to {@code path} in a row (200s only). */
  private static List<String> servedBy(String path, int n) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = get(path);
      names.add(r.statusCode() == 200 ? backend(r) : "status " + r.statusCode());
    }
    return names;
  }

  /** Waits until ten requests in a row to {@code path} are all served by {@code backend}. */
  private static void awaitOnly(String path, String backend) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(servedBy(path, 10)).containsOnly(backend));
  }

  /** Waits until {@code backend} serves requests to {@code path} again. */
  private static void awaitBack(String path, String backend) {
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(servedBy(path, 2)).contains(backend));
  }

  @Test
  void healthCheckTakesAFailingEndpointOutAndBringsItBackWhenItRecovers() throws Exception {
    assertThat(servedBy("/checked/a", 4)).contains("checked-a", "checked-b");
    checkedB.healthStatus(503);
    try {
      // Two failed checks 200 ms apart take it out; until then round robin still picks it.
      awaitOnly("/checked/b", "checked-a");
      long before = checkedB.requests();
      assertThat(servedBy("/checked/c", 10)).containsOnly("checked-a");
      // Only health checks (a few per second) reached it, no proxied request.
      assertThat(checkedB.requests() - before).isLessThan(30);
    } finally {
      checkedB.healthStatus(200);
    }
    awaitBack("/checked/d", "checked-b");
    assertThat(servedBy("/checked/e", 4)).containsOnly("checked-a", "checked-b");
  }

  @Test
  void outlierDetectionEjectsAnEndpointAnswering5xxUntilItsEjectionTimeIsOver() throws Exception {
    assertThat(servedBy("/outlier/a", 4)).contains("outlier-a", "outlier-b");
    outlierB.failWith(500);
    try {
      // Two 500s in a row from outlier-b eject it for 3 s; the client sees those two.
      awaitOnly("/outlier/b", "outlier-a");
    } finally {
      outlierB.failWith(0);
    }
    // Ejection ends by time (the first lasts 3 s, a second one 6 s): round robin reaches it again.
    awaitBack("/outlier/c", "outlier-b");
    assertThat(servedBy("/outlier/d", 4)).containsOnly("outlier-a", "outlier-b");
  }

  @Test
  void circuitBreakerAnswers503OverloadedOverMaxRequestsAndClosesAfterTheLoad() throws Exception {
    int burst = 8;
    List<HttpResponse<String>> responses = new ArrayList<>();
    AtomicLong reached = new AtomicLong();
    // Each request takes 1.5 s upstream and the burst is sent at once: 8 in flight, maxRequests 2.
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              long before = guarded.requests();
              responses.clear();
              responses.addAll(concurrently("/guarded/slow/1500", burst));
              reached.set(guarded.requests() - before);
              assertThat(responses).anyMatch(r -> r.statusCode() == 503);
            });
    List<HttpResponse<String>> ok = responses.stream().filter(r -> r.statusCode() == 200).toList();
    List<HttpResponse<String>> shed =
        responses.stream().filter(r -> r.statusCode() == 503).toList();
    assertThat(ok.size() + shed.size()).as("only 200s and 503s").isEqualTo(burst);
    assertThat(ok.size()).as("let through while at most 2 were in flight").isBetween(1, 2);
    assertThat(shed)
        .allSatisfy(
            r -> {
              assertThat(r.headers().firstValue("x-weir-overloaded")).hasValue("true");
              assertThat(backend(r)).isEmpty();
            });
    assertThat(reached.get()).as("shed requests never reach the backend").isEqualTo(ok.size());
    // After the load, the breaker lets requests through again, two at once included.
    assertThat(concurrently("/guarded/after", 2)).allMatch(r -> r.statusCode() == 200);
    for (int i = 0; i < 5; i++) {
      assertThat(get("/guarded/after").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void retryBudgetCapsRetriesToAnAlwaysFailingBackend() throws Exception {
    int burst = 20;
    int attemptsEach = 3; // Gateway API attempts: 2 retries after the first try.
    budgeted.failWith(500);
    unbudgeted.failWith(500);
    try {
      long before = unbudgeted.requests();
      List<HttpResponse<String>> free = concurrently("/unbudgeted/slow/600", burst);
      assertThat(free).allMatch(r -> r.statusCode() == 500);
      assertThat(unbudgeted.requests() - before)
          .as("without a budget every request is tried %d times", attemptsEach)
          .isEqualTo((long) burst * attemptsEach);

      before = budgeted.requests();
      List<HttpResponse<String>> capped = concurrently("/budgeted/slow/600", burst);
      assertThat(capped).allMatch(r -> r.statusCode() == 500);
      long retries = budgeted.requests() - before - burst;
      // Retries in flight <= max(minRetryConcurrency 1, 10% of <= 20 requests in flight) = 2; a
      // request holds its retry slot for its 2 retries (1.2 s). Slack: each slot used twice.
      int slots = 2;
      assertThat(retries)
          .as("retries beyond the %d first tries", burst)
          .isBetween(2L, (long) slots * (attemptsEach - 1) * 2);
    } finally {
      budgeted.failWith(0);
      unbudgeted.failWith(0);
    }
  }

  @Test
  void retryBudgetWithoutAFloorAllowsNoRetryBelowItsShare() throws Exception {
    int burst = 10;
    floorless.failWith(500);
    try {
      long before = floorless.requests();
      // 1% of at most 10 requests in flight rounds down to 0 retries, and no floor is set.
      assertThat(concurrently("/floorless/slow/300", burst)).allMatch(r -> r.statusCode() == 500);
      assertThat(floorless.requests() - before).as("first tries only").isEqualTo(burst);
    } finally {
      floorless.failWith(0);
    }
  }

  /** Sends {@code n} GETs of {@code path} at once, each on its own connection; waits for all. */
  private static List<HttpResponse<String>> concurrently(String path, int n) {
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + gw.weir.bindAddress + ":" + gw.port + path))
              .header("Host", "resilience.example.com")
              .timeout(Duration.ofSeconds(20))
              .build();
      futures.add(gw.weir.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }
}
