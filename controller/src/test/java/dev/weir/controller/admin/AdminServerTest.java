package dev.weir.controller.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Node;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.loop.Build;
import dev.weir.controller.model.GatewayApiStatus;
import dev.weir.controller.observe.ControllerMetrics;
import dev.weir.controller.push.ConfigDiscoveryService;
import dev.weir.controller.push.NodeRegistry;
import dev.weir.controller.source.SourceProblem;
import dev.weir.controller.state.ClusterState;
import dev.weir.controller.translate.ObjectRef;
import dev.weir.controller.translate.Problem;
import dev.weir.testing.PrometheusText;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private static final Problem PROBLEM =
      new Problem(
          new ObjectRef("Ingress", "default", "shop"),
          "ResolvedRefs",
          "BackendNotFound",
          "service default/web not found");

  private final NodeRegistry registry = new NodeRegistry();
  private final ControllerMetrics metrics =
      ControllerMetrics.create(registry, Leadership.alwaysLeader("test"));
  private final AtomicReference<Build> build = new AtomicReference<>();
  private final AtomicReference<Readiness> readiness =
      new AtomicReference<>(new Readiness(false, "standby; the leader is other"));
  private AdminServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    server =
        new AdminServer(
                new InetSocketAddress("127.0.0.1", 0),
                registry,
                () -> Optional.ofNullable(build.get()),
                () -> List.of(new SourceProblem("shop.yaml", 7, "mapping values are not allowed")),
                () -> readiness.get(),
                metrics)
            .start();
    http = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
    metrics.close();
  }

  @Test
  void metricsServesPrometheusTextWithProcessAndControllerMeters() throws Exception {
    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText text = PrometheusText.parse(r.body());
    assertThat(text.sum("weir_controller_leader", Map.of())).isEqualTo(1);
    assertThat(text.has("jvm_memory_used_bytes")).isTrue();
    assertThat(text.has("process_uptime_seconds")).isTrue();
    assertThat(text.sum("weir_controller_rebuilds_total", Map.of("result", "pushed"))).isZero();
  }

  @Test
  void nodesReturnsEveryNodeAsJson() throws Exception {
    // Registering goes through the service, the only writer of the registry.
    registerNode("gw-1");

    HttpResponse<String> r = get("/nodes");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode nodes = new ObjectMapper().readTree(r.body());
    assertThat(nodes.isArray()).isTrue();
    assertThat(nodes.get(0).get("id").asText()).isEqualTo("gw-1");
    assertThat(nodes.get(0).get("connected").asBoolean()).isTrue();
    assertThat(nodes.get(0).get("role").asText()).isEqualTo("GATEWAY");
    assertThat(nodes.get(0).get("gateway").asText()).isEqualTo("web/gw");
    assertThat(nodes.get(0).get("lastSeen").asText()).endsWith("Z");
  }

  @Test
  void snapshotShowsVersionGenerationAndProblemsButNoKeyMaterial() throws Exception {
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder()
            .setVersion("abc123")
            .setGeneration(7)
            .addSecrets(
                TlsSecret.newBuilder()
                    .setName("default/cert")
                    .setPrivateKey(ByteString.copyFromUtf8("PRIVATE-KEY-BYTES")))
            .build();
    build.set(
        new Build(
            snapshot,
            List.of(PROBLEM),
            ClusterState.empty(),
            true,
            Instant.now(),
            new TreeMap<>(),
            GatewayApiStatus.empty()));

    HttpResponse<String> r = get("/snapshot");

    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.get("version").asText()).isEqualTo("abc123");
    assertThat(body.get("generation").asLong()).isEqualTo(7);
    assertThat(body.get("problems").get(0).get("reason").asText()).isEqualTo("BackendNotFound");
    assertThat(r.body()).doesNotContain("PRIVATE-KEY-BYTES").doesNotContain("default/cert");
  }

  @Test
  void problemsListsTranslationAndFileProblems() throws Exception {
    build.set(
        new Build(
            ConfigSnapshot.getDefaultInstance(),
            List.of(PROBLEM),
            ClusterState.empty(),
            true,
            Instant.now(),
            new TreeMap<>(),
            GatewayApiStatus.empty()));

    JsonNode body = new ObjectMapper().readTree(get("/problems").body());

    assertThat(body.get("translation").get(0).get("object").get("name").asText()).isEqualTo("shop");
    assertThat(body.get("sources").get(0).get("file").asText()).isEqualTo("shop.yaml");
    assertThat(body.get("sources").get(0).get("line").asInt()).isEqualTo(7);
  }

  @Test
  void healthzAndUnknownPaths() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(get("/snapshot").body()).contains("\"generation\" : 0");
  }

  private void registerNode(String id) throws Exception {
    ConfigDiscoveryService service =
        new ConfigDiscoveryService(registry, Leadership.alwaysLeader("test"));
    var responses =
        new io.grpc.stub.ServerCallStreamObserver<ConfigSnapshot>() {
          @Override
          public boolean isCancelled() {
            return false;
          }

          @Override
          public void setOnCancelHandler(Runnable r) {}

          @Override
          public void setCompression(String c) {}

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setOnReadyHandler(Runnable r) {}

          @Override
          public void request(int n) {}

          @Override
          public void setMessageCompression(boolean e) {}

          @Override
          public void disableAutoInboundFlowControl() {}

          @Override
          public void onNext(ConfigSnapshot v) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
    service.stream(responses)
        .onNext(
            dev.weir.api.config.v1.ConfigRequest.newBuilder()
                .setNode(
                    Node.newBuilder().setId(id).setRole(Node.Role.GATEWAY).setGateway("web/gw"))
                .build());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
