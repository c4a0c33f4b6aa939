package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.weir.controller.crd.BackendPolicy;
import dev.weir.controller.crd.HealthCheckSpec;
import dev.weir.controller.crd.PolicyStatus;
import dev.weir.controller.crd.TrafficPolicy;
import dev.weir.testing.EchoServer;
import dev.weir.testing.PrometheusText;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed scenario of issue 5, on the YAML the demo serves ({@code examples/seed/}): five services
 * under {@code /oauth}, {@code /admin}, {@code /kline}, {@code /flow} and {@code /test}, a
 * catch-all to the admin portal, JWT on all but {@code /oauth} and {@code /test}, and HTTP health
 * checks (30 s, 5 s, 2, 3). Run twice, on the same files: in local mode (the controller on a copy
 * of the folder) and applied to the mock API server. Only the ports change: the Gateway's listener
 * and the EndpointSlices are rewritten to free ports and to this test's echo backends.
 *
 * <p>Tokens are signed with the demo key whose private half is {@code
 * seed/demo-signing-key.jwk.json} in the test resources (its public half is the ConfigMap in {@code
 * examples/seed/jwt.yaml}). It is a demo key: anyone can read it, so nothing outside the demo may
 * trust it.
 */
class SeedScenarioE2E {

  private static final Path SEED = Path.of("..", "examples", "seed");
  private static final Pattern DEMO_TOKEN = Pattern.compile("seed_token='([^']+)'");

  /** Service name → the demo port its EndpointSlice names in {@code examples/seed/}. */
  private static final Map<String, Integer> DEMO_PORTS =
      Map.of("oauth", 9111, "admin-portal", 9112, "kline", 9113, "flow", 9114, "test", 9115);

  private static final Map<String, EchoServer> backends = new LinkedHashMap<>();
  private static ECKey demoKey;

  @BeforeAll
  static void startBackends() throws Exception {
    for (String name : List.of("oauth", "admin-portal", "kline", "flow", "test")) {
      backends.put(name, EchoServer.start(name));
    }
    try (InputStream in =
        SeedScenarioE2E.class.getResourceAsStream("/seed/demo-signing-key.jwk.json")) {
      demoKey = ECKey.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @AfterAll
  static void stopBackends() {
    backends.values().forEach(EchoServer::close);
  }

  /**
   * The files of {@code examples/seed/}, with the listener on {@code gatewayPort} and each
   * EndpointSlice on its service's echo backend.
   */
  static Map<String, String> seedFiles(int gatewayPort) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(SEED)) {
      for (Path p : list.sorted().toList()) {
        String yaml = Files.readString(p).replace("port: 8088", "port: " + gatewayPort);
        for (var e : DEMO_PORTS.entrySet()) {
          yaml = yaml.replace("port: " + e.getValue(), "port: " + backends.get(e.getKey()).port());
        }
        assertThat(yaml).as(p + ", rewritten").doesNotContainPattern("port: (8088|911[1-5])\\b");
        files.put(p.getFileName().toString(), yaml);
      }
    }
    assertThat(files)
        .containsKeys("00-gateway-class.yaml", "gateway.yaml", "jwt.yaml", "health.yaml");
    return files;
  }

  /** A token for the seed's provider, signed by {@code key}, expiring at {@code exp}. */
  static String token(ECKey key, String audience, Instant exp) throws JOSEException {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("https://auth.seed.local")
            .audience(audience)
            .subject("alice")
            .issueTime(Date.from(exp.minus(Duration.ofHours(2))))
            .expirationTime(Date.from(exp))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  /** The scenario's assertions; each subclass runs them on one way of feeding the controller. */
  abstract static class Scenario {

    WeirStack weir;
    final int port = WeirStack.freePort();

    /** The seed YAML as the controller will read it. */
    final Map<String, String> files;

    Scenario() throws IOException {
      files = seedFiles(port);
    }

    HttpResponse<String> get(String path, String... headers)
        throws IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .header("Host", "seed.example.com")
              .timeout(Duration.ofSeconds(10));
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      return weir.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> getWithToken(String path, String token) throws Exception {
      return get(path, "Authorization", "Bearer " + token);
    }

    /** Waits until the gateway serves all routes with their policies. */
    void awaitServing() throws Exception {
      String valid = token(demoKey, "seed-api", Instant.now().plus(Duration.ofMinutes(10)));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  get("/oauth/x").statusCode() == 200
                      && get("/kline/x").statusCode() == 401
                      && getWithToken("/kline/x", valid).statusCode() == 200);
    }

    /** The data plane's {@code "health"} lines from its admin {@code /config}. */
    String dataplaneConfig() throws Exception {
      return weir.client()
          .send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + weir.dataplaneAdminPort + "/config"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    @Test
    void openPathsReachTheirServicesWithoutAToken() throws Exception {
      for (String path : List.of("/oauth/token", "/oauth", "/test/ping")) {
        HttpResponse<String> r = get(path);
        String service = path.startsWith("/oauth") ? "oauth" : "test";
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(GatewayFixture.backend(r)).as(path).isEqualTo(service);
      }
    }

    @Test
    void protectedPathsAnswer401WithoutAValidTokenNever500() throws Exception {
      ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(demoKey.getKeyID()).generate();
      Instant later = Instant.now().plus(Duration.ofMinutes(10));
      Map<String, String[]> attempts = new LinkedHashMap<>();
      attempts.put("no token", new String[0]);
      attempts.put("not a JWT", new String[] {"Authorization", "Bearer not-a-jwt"});
      attempts.put(
          "expired",
          new String[] {
            "Authorization",
            "Bearer " + token(demoKey, "seed-api", Instant.now().minus(Duration.ofHours(1)))
          });
      attempts.put(
          "wrong audience",
          new String[] {"Authorization", "Bearer " + token(demoKey, "other-api", later)});
      attempts.put(
          "signed by another key",
          new String[] {"Authorization", "Bearer " + token(stranger, "seed-api", later)});
      for (String path : List.of("/admin/users", "/kline/btc", "/flow/1", "/", "/unmatched/x")) {
        for (var a : attempts.entrySet()) {
          HttpResponse<String> r = get(path, a.getValue());
          assertThat(r.statusCode()).as(path + ", " + a.getKey()).isEqualTo(401);
          assertThat(r.headers().firstValue("www-authenticate"))
              .as(path + ", " + a.getKey())
              .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
          assertThat(GatewayFixture.backend(r)).as(path + ", " + a.getKey()).isEmpty();
        }
      }
    }

    @Test
    void aValidTokenReachesTheRightServiceWithItsSubject() throws Exception {
      String valid = token(demoKey, "seed-api", Instant.now().plus(Duration.ofMinutes(10)));
      Map<String, String> expected = new LinkedHashMap<>();
      expected.put("/admin/users", "admin-portal");
      expected.put("/kline/btc", "kline");
      expected.put("/flow/1", "flow");
      expected.put("/", "admin-portal");
      expected.put("/unmatched/x", "admin-portal");
      for (var e : expected.entrySet()) {
        HttpResponse<String> r = getWithToken(e.getKey(), valid);
        assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
        assertThat(GatewayFixture.backend(r)).as(e.getKey()).isEqualTo(e.getValue());
        assertThat(r.body()).as(e.getKey()).containsIgnoringCase("x-seed-user: alice");
      }
    }

    @Test
    void theDemoTokenTheDemoPrintsIsAccepted() throws Exception {
      String script = Files.readString(SEED.resolveSibling("run-demo.sh"));
      Matcher m = DEMO_TOKEN.matcher(script);
      assertThat(m.find()).as("seed_token in run-demo.sh").isTrue();
      HttpResponse<String> r = getWithToken("/kline/btc", m.group(1));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).containsIgnoringCase("x-seed-user: demo-user");
    }

    @Test
    void healthChecksRunOnEveryEndpointWithTheSeedSettings() throws Exception {
      BackendPolicy policy =
          new KubernetesSerialization().unmarshal(files.get("health.yaml"), BackendPolicy.class);
      HealthCheckSpec hc = policy.getSpec().healthCheck;
      assertThat(hc.type).isEqualTo(HealthCheckSpec.Type.HTTP);
      assertThat(hc.http.path).isEqualTo("/healthz");
      assertThat(List.of(hc.interval, hc.timeout)).containsExactly("30s", "5s");
      assertThat(List.of(hc.healthyThreshold, hc.unhealthyThreshold)).containsExactly(2, 3);
      assertPoliciesAccepted();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                String config = dataplaneConfig();
                for (var e : backends.entrySet()) {
                  assertThat(config)
                      .containsPattern(
                          "seed/"
                              + e.getKey()
                              + "\\S* 127\\.0\\.0\\.1:"
                              + e.getValue().port()
                              + " healthy");
                }
              });
    }

    @Test
    void prometheusMetricsCountTheSeedTrafficPerRouteAndTheJwtDecisions() throws Exception {
      String valid = token(demoKey, "seed-api", Instant.now().plus(Duration.ofMinutes(10)));
      String open = "httproute/seed/seed-open";
      String guarded = "httproute/seed/seed-protected";
      PrometheusText before = weir.dataplaneMetrics();
      assertThat(get("/kline/btc").statusCode()).isEqualTo(401);
      assertThat(getWithToken("/kline/btc", valid).statusCode()).isEqualTo(200);
      assertThat(get("/oauth/token").statusCode()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                PrometheusText now = weir.dataplaneMetrics();
                String requests = "weir_requests_total";
                String auth = "weir_auth_decisions_total";
                assertThat(
                        now.increase(
                            before, requests, Map.of("route", guarded, "status_class", "4xx")))
                    .isEqualTo(1);
                assertThat(
                        now.increase(
                            before, requests, Map.of("route", guarded, "status_class", "2xx")))
                    .isEqualTo(1);
                assertThat(
                        now.increase(
                            before, requests, Map.of("route", open, "status_class", "2xx")))
                    .isEqualTo(1);
                assertThat(
                        now.increase(
                            before,
                            auth,
                            Map.of("route", guarded, "kind", "jwt", "decision", "denied")))
                    .isEqualTo(1);
                assertThat(
                        now.increase(
                            before,
                            auth,
                            Map.of("route", guarded, "kind", "jwt", "decision", "allowed")))
                    .isEqualTo(1);
                // Every seed endpoint is health-checked and healthy.
                for (String service : backends.keySet()) {
                  assertThat(now.find("weir_endpoint_healthy", Map.of()))
                      .as(service)
                      .anySatisfy(
                          sample -> {
                            assertThat(sample.labels().get("backend"))
                                .startsWith("seed/" + service + ":");
                            assertThat(sample.value()).isEqualTo(1.0);
                          });
                }
              });
    }

    /** Asserts that the controller accepted the TrafficPolicy and the BackendPolicy. */
    abstract void assertPoliciesAccepted() throws Exception;
  }

  /** The controller in local mode on a copy of {@code examples/seed/}. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LocalMode extends Scenario {

    LocalMode() throws IOException {}

    @BeforeAll
    void start(@TempDir Path manifests) throws Exception {
      for (var f : files.entrySet()) {
        Files.writeString(manifests.resolve(f.getKey()), f.getValue());
      }
      weir = WeirStack.local(Path.of("target", "e2e", "SeedScenarioE2E-local"), manifests);
      weir.awaitReady();
      awaitServing();
    }

    @AfterAll
    void stop() {
      if (weir != null) {
        weir.close();
      }
    }

    @Override
    void assertPoliciesAccepted() throws Exception {
      String problems =
          weir.client()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + weir.controller.port("admin") + "/problems"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(problems).contains("translation").doesNotContain("seed");
    }
  }

  /** The same files applied to the mock API server, as {@code kubectl apply -f} would. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstTheMockApiServer extends Scenario {

    private MockApiServer api;

    AgainstTheMockApiServer() throws IOException {}

    @BeforeAll
    void start() throws Exception {
      Path dir = Path.of("target", "e2e", "SeedScenarioE2E-kube");
      api = new MockApiServer(dir);
      api.apply(String.join("---\n", files.values()));
      weir = WeirStack.kubernetes(dir, api.kubeconfig());
      weir.awaitReady();
      awaitServing();
    }

    @AfterAll
    void stop() {
      if (weir != null) {
        weir.close();
      }
      if (api != null) {
        api.close();
      }
    }

    @Override
    void assertPoliciesAccepted() {
      Map<String, Class<? extends CustomResource<?, PolicyStatus>>> policies =
          Map.of("seed-jwt", TrafficPolicy.class, "seed-health", BackendPolicy.class);
      for (var p : policies.entrySet()) {
        String name = p.getKey();
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  List<PolicyAncestorStatus> ancestors =
                      api.client()
                          .resources(p.getValue())
                          .inNamespace("seed")
                          .withName(name)
                          .get()
                          .getStatus()
                          .ancestors;
                  assertThat(ancestors).as(name).isNotEmpty();
                  for (PolicyAncestorStatus a : ancestors) {
                    assertThat(GatewayFixture.condition(a.getConditions(), "Accepted"))
                        .as(name)
                        .hasValueSatisfying(
                            c -> {
                              assertThat(c.getStatus()).isEqualTo("True");
                              assertThat(c.getReason()).isEqualTo("Accepted");
                            });
                  }
                });
      }
    }
  }
}
