package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's Grafana dashboards against a real Prometheus scraping a real Weir: the controller (on
 * the mock API server) and a data plane serve a Gateway with HTTP and HTTPS listeners, routes with
 * a rate limit, a cache, JWT, a health-checked backend, a backend with a dead endpoint (connect
 * errors and retries) and one with only a dead endpoint (5xx); HTTP/1.1, h2c and h2 traffic, a 404,
 * a failed TLS handshake and a NACKed snapshot go through it. Prometheus scrapes the data plane's
 * probe port and the controller's admin port every second, and then every query of every panel (and
 * every variable's {@code label_values}) must return at least one series. The test prints a query →
 * series table and lists every failing query at once.
 */
class DashboardQueriesE2E {

  private static final String HOST = "dash.example.com";
  private static final String NS = "dash";
  private static final Pattern ACKED_GENERATION =
      Pattern.compile("\"lastAckedGeneration\" : (\\d+)");

  private static final Path DIR = Path.of("target", "e2e", "DashboardQueriesE2E");
  private static final int HTTP_PORT = WeirStack.freePort();
  private static final int HTTPS_PORT = WeirStack.freePort();
  private static EchoServer web;
  private static EchoServer api;
  private static MockApiServer kube;
  private static WeirStack weir;
  private static PrometheusServer prometheus;
  private static ECKey signingKey;

  @BeforeAll
  static void start() throws Exception {
    web = EchoServer.start("web");
    api = EchoServer.start("api");
    int dead = WeirStack.freePort();
    signingKey = new ECKeyGenerator(Curve.P_256).keyID("dash").generate();
    TestCertificates.Pem pem = TestCertificates.selfSigned(HOST);
    kube = new MockApiServer(DIR);
    kube.apply(
        String.join(
            "---\n",
            gateway(""),
            service("web", web.port()),
            service("mixed", dead, api.port()),
            service("dead", dead),
            ROUTE,
            policies(new JWKSet(signingKey.toPublicJWK()).toString())));
    Secret tls = KubeObjects.tlsSecret("dash-tls", pem.certificatePem(), pem.privateKeyPem());
    tls.getMetadata().setNamespace(NS);
    kube.client().resource(tls).create();
    weir = WeirStack.kubernetes(DIR, kube.kubeconfig());
    weir.awaitReady();
    DashboardTraffic probe = new DashboardTraffic(HOST, HTTP_PORT, HTTPS_PORT, DIR);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              probe.get("/secure", 1);
              probe.get("/", 1);
              assertThat(probe.statuses()).containsKeys("401", "200");
            });
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (weir != null) {
      weir.close();
    }
    if (kube != null) {
      kube.close();
    }
    web.close();
    api.close();
  }

  @Test
  void everyDashboardQueryReturnsSeriesFromARealScrape() throws Exception {
    prometheus =
        PrometheusServer.start(
            DIR.resolve("prometheus"),
            Map.of(
                "weir-dataplane", "127.0.0.1:" + weir.probePort,
                "weir-controller", "127.0.0.1:" + weir.controller.port("admin")));
    prometheus.awaitScrapedAfter(Instant.now(), Duration.ZERO);
    DashboardTraffic traffic = new DashboardTraffic(HOST, HTTP_PORT, HTTPS_PORT, DIR);
    drive(traffic);
    nackAndRecover();
    drive(traffic);
    // Two scrapes after the last request: every counter the traffic made has two samples.
    prometheus.awaitScrapedAfter(Instant.now(), Duration.ofSeconds(2));

    List<String> failures = new ArrayList<>(prometheus.unhealthyTargets());
    StringBuilder table = new StringBuilder("\nseries  query\n");
    for (DashboardQueries.Query q : DashboardQueries.all()) {
      PrometheusServer.Result r =
          q.label() == null
              ? prometheus.query(q.expr())
              : prometheus.labelValues(q.expr(), q.label());
      String shown =
          q.label() == null ? q.expr() : "label_values(" + q.expr() + ", " + q.label() + ")";
      table.append("%6d  %s\n        %s\n".formatted(r.series(), q.where(), shown));
      if (r.empty()) {
        failures.add(
            q.where() + ": " + shown + (r.error() == null ? " (no series)" : " " + r.error()));
      }
    }
    System.out.println(table);
    System.out.println("traffic statuses: " + traffic.statuses());

    assertThat(traffic.statuses())
        .as("the traffic reached every outcome the dashboards show")
        .containsKeys("200", "404", "429", "401", "500", "HTTP h2 200", "HTTPS h2 200");
    assertThat(traffic.statuses().keySet()).noneMatch(s -> s.endsWith(" 000"));
    assertThat(traffic.statuses().keySet()).anyMatch(s -> s.startsWith("50") && !s.equals("500"));
    assertThat(failures).as("queries without data (see the table above)").isEmpty();
  }

  /** One round of every kind of request the dashboards break down. */
  private static void drive(DashboardTraffic t) throws Exception {
    String token =
        SeedScenarioE2E.token(signingKey, "dash", Instant.now().plus(Duration.ofMinutes(10)));
    t.get("/", 10);
    t.post("/upload", 3);
    t.get("/status/500", 3);
    t.get("/slow/30", 2);
    t.get("/mixed/a", 8);
    t.get("/dead/a", 2);
    t.get("nothing.example.com", "/", 2);
    t.get("/limited", 12);
    t.get("/cached/page", 4);
    t.get("/secure", 2);
    t.get("/secure", 3, "Authorization", "Bearer " + token);
    t.h2c("/", 4);
    t.https("/", 4);
    t.failedTlsHandshake();
  }

  /**
   * A Gateway listener on a port the test holds: the data plane NACKs the snapshot; then the
   * listener goes away again and the next snapshot is ACKed.
   */
  private static void nackAndRecover() throws Exception {
    long acked = ackedGeneration();
    int blocked = WeirStack.freePort();
    try (ServerSocket taken = new ServerSocket(blocked, 50, InetAddress.getLoopbackAddress())) {
      kube.apply(gateway("  - {name: blocked, port: %d, protocol: HTTP}\n".formatted(blocked)));
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(weir.nodes()).contains("\"lastNack\" : {"));
    }
    kube.apply(gateway(""));
    await().atMost(Duration.ofSeconds(15)).until(() -> ackedGeneration() > acked);
  }

  private static long ackedGeneration() throws Exception {
    Matcher m = ACKED_GENERATION.matcher(weir.nodes());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String gateway(String extraListeners) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: weir}
        spec: {controllerName: weir.dev/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: dash, namespace: dash}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: http, port: %d, protocol: HTTP}
          - name: https
            port: %d
            protocol: HTTPS
            hostname: %s
            tls:
              mode: Terminate
              certificateRefs: [{name: dash-tls}]
        %s"""
        .formatted(HTTP_PORT, HTTPS_PORT, HOST, extraListeners);
  }

  /** Service {@code name} and one EndpointSlice per port (127.0.0.1). */
  private static String service(String name, int... ports) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: %s, namespace: %s}
            spec:
              ports: [{name: http, port: 80}]
            """
                .formatted(name, NS));
    for (int port : ports) {
      yaml.append(
          """
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: %1$s-%2$d
            namespace: %3$s
            labels: {kubernetes.io/service-name: %1$s}
          addressType: IPv4
          ports: [{name: http, port: %2$d}]
          endpoints: [{addresses: ["127.0.0.1"], conditions: {ready: true}}]
          """
              .formatted(name, port, NS));
    }
    return yaml.toString();
  }

  private static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: app, namespace: dash}
      spec:
        parentRefs: [{name: dash}]
        hostnames: [dash.example.com]
        rules:
        - {name: web, matches: [{path: {type: PathPrefix, value: /}}], backendRefs: [{name: web, port: 80}]}
        - {name: mixed, matches: [{path: {type: PathPrefix, value: /mixed}}], backendRefs: [{name: mixed, port: 80}]}
        - {name: dead, matches: [{path: {type: PathPrefix, value: /dead}}], backendRefs: [{name: dead, port: 80}]}
        - {name: limited, matches: [{path: {type: PathPrefix, value: /limited}}], backendRefs: [{name: web, port: 80}]}
        - {name: cached, matches: [{path: {type: PathPrefix, value: /cached}}], backendRefs: [{name: web, port: 80}]}
        - {name: secure, matches: [{path: {type: PathPrefix, value: /secure}}], backendRefs: [{name: web, port: 80}]}
      """;

  private static String policies(String jwks) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: dash-jwks, namespace: dash}
        data:
          jwks: '%s'
        ---
        apiVersion: weir.dev/v1alpha1
        kind: TrafficPolicy
        metadata: {name: limited, namespace: dash}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app, sectionName: limited}]
          rateLimit: {requests: 5, unit: Minute}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: TrafficPolicy
        metadata: {name: cached, namespace: dash}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app, sectionName: cached}]
          cache: {defaultTtl: 60s}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: TrafficPolicy
        metadata: {name: secure, namespace: dash}
        spec:
          targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: app, sectionName: secure}]
          jwt:
            providers:
            - name: dash
              issuer: https://auth.seed.local
              audiences: [dash]
              jwks: {configMapRef: {name: dash-jwks}}
        ---
        apiVersion: weir.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: web-health, namespace: dash}
        spec:
          targetRefs: [{group: "", kind: Service, name: web}]
          healthCheck:
            type: HTTP
            http: {path: /healthz}
            interval: 1s
            timeout: 1s
            healthyThreshold: 1
            unhealthyThreshold: 2
        """
        .formatted(jwks);
  }
}
