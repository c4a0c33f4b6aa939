package dev.weir.controller.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.ErrorDetail;
import dev.weir.api.config.v1.Node;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.controller.ControllerConfig;
import dev.weir.controller.ControllerMain;
import dev.weir.testing.PrometheusText;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole controller against fabric8's CRUD mock API server, with data-plane stand-ins on real
 * gRPC streams, asserting on scrapes of the admin port's {@code /metrics}.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ControllerMetricsTest {

  private static final String OBJECTS =
      """
      apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: {name: weir}
      spec: {controller: weir.dev/ingress-controller}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: default}
      spec:
        ports: [{name: http, port: 80, targetPort: 8080}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: default}
      spec:
        ingressClassName: weir
        rules:
        - host: shop.example.com
          http:
            paths:
            - path: /
              pathType: Prefix
              backend: {service: {name: web, port: {number: 80}}}
      """;

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;
  private ControllerMain controller;
  private ManagedChannel channel;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig.yaml");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://%s:%d"}}]
        users: [{name: mock, user: {token: test}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: default}}]
        current-context: mock
        """
            .formatted(server.getHostName(), server.getPort()));
    controller =
        new ControllerMain(
                ControllerConfig.parse(
                    "--kubeconfig", kubeconfig.toString(),
                    "--grpc-address", "127.0.0.1",
                    "--grpc-port", "0",
                    "--admin-port", "0",
                    "--debounce-ms", "10",
                    "--debounce-max-ms", "50",
                    "--publish-address", "10.0.0.1",
                    "--leader-election-namespace", "default",
                    "--lease-duration-ms", "3000",
                    "--renew-deadline-ms", "2000",
                    "--retry-period-ms", "200"))
            .start();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    controller.close();
    http.close();
  }

  @Test
  void eventsBuildsPropagationNacksStatusAndLeadershipAreScraped() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> metric("weir_controller_leader") == 1);
    await().until(() -> metric("weir_controller_rebuilds_total", "result", "pushed") >= 1);
    DataPlane acking = new DataPlane("gw-1", true);
    await().until(() -> metric("weir_controller_nodes", "state", "acked") == 1);
    double propagations = metric("weir_controller_propagation_seconds_count");
    double rebuilds = metric("weir_controller_rebuild_duration_seconds_count");

    apply(OBJECTS);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              PrometheusText m = scrape();
              assertThat(sum(m, "weir_controller_events_total", "kind", "Ingress", "type", "added"))
                  .isEqualTo(1);
              assertThat(sum(m, "weir_controller_events_total", "kind", "Service", "type", "added"))
                  .isEqualTo(1);
              assertThat(sum(m, "weir_controller_rebuild_duration_seconds_count"))
                  .isGreaterThan(rebuilds);
              assertThat(sum(m, "weir_controller_rebuild_duration_seconds_sum")).isPositive();
              assertThat(sum(m, "weir_controller_snapshot_generation")).isGreaterThanOrEqualTo(2);
              assertThat(sum(m, "weir_controller_snapshot_bytes")).isPositive();
              // The node ACKed the new generation: propagation recorded, no lag.
              assertThat(sum(m, "weir_controller_propagation_seconds_count"))
                  .isGreaterThan(propagations);
              assertThat(sum(m, "weir_controller_node_acked_generation", "node", "gw-1"))
                  .isEqualTo(sum(m, "weir_controller_snapshot_generation"));
              assertThat(sum(m, "weir_controller_node_lag_seconds", "node", "gw-1")).isZero();
              assertThat(sum(m, "weir_controller_last_propagation_seconds")).isPositive();
              assertThat(
                      sum(
                          m,
                          "weir_controller_status_writes_total",
                          "kind",
                          "Ingress",
                          "result",
                          "ok"))
                  .isEqualTo(1);
            });
    assertThat(get("/snapshot").body())
        .contains("\"lastPropagation\" : {")
        .contains("\"nodes\" : 1");

    // A change the output does not depend on: built, compared, nothing pushed.
    double unchanged = metric("weir_controller_rebuilds_total", "result", "unchanged");
    Service web = client.services().inNamespace("default").withName("web").get();
    web.getMetadata().setLabels(Map.of("team", "shop"));
    client.resource(web).update();
    await()
        .untilAsserted(
            () -> {
              PrometheusText m = scrape();
              assertThat(
                      sum(m, "weir_controller_events_total", "kind", "Service", "type", "updated"))
                  .isEqualTo(1);
              assertThat(sum(m, "weir_controller_rebuilds_total", "result", "unchanged"))
                  .isGreaterThan(unchanged);
            });

    DataPlane nacking = new DataPlane("gw-2", false);
    await()
        .untilAsserted(
            () -> {
              PrometheusText m = scrape();
              assertThat(sum(m, "weir_controller_nacks_total", "reason", "cluster")).isEqualTo(1);
              assertThat(sum(m, "weir_controller_nodes", "state", "nacked")).isEqualTo(1);
              assertThat(sum(m, "weir_controller_nodes", "state", "acked")).isEqualTo(1);
              assertThat(sum(m, "weir_controller_node_lag_seconds", "node", "gw-2")).isPositive();
            });

    nacking.close();
    await()
        .untilAsserted(
            () -> {
              PrometheusText m = scrape();
              assertThat(sum(m, "weir_controller_nodes", "state", "disconnected")).isEqualTo(1);
              assertThat(m.find("weir_controller_node_lag_seconds", Map.of("node", "gw-2")))
                  .isEmpty();
            });
    acking.close();
  }

  @Test
  void metricsIsPrometheusText() throws Exception {
    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("# TYPE weir_controller_rebuild_duration_seconds histogram");
    assertThat(
            PrometheusText.parse(r.body()).has("jvm_gc_pause_seconds_count")
                || PrometheusText.parse(r.body()).has("jvm_memory_used_bytes"))
        .isTrue();
  }

  private void apply(String yaml) {
    for (HasMetadata item :
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      client.resource(item).create();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.adminPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private PrometheusText scrape() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  private double metric(String name, String... labels) throws Exception {
    return sum(scrape(), name, labels);
  }

  private static double sum(PrometheusText m, String name, String... labels) {
    Map<String, String> wanted = new java.util.HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return m.sum(name, wanted);
  }

  /** A data-plane stand-in on a real stream: ACKs (or NACKs) every snapshot it receives. */
  private final class DataPlane implements StreamObserver<ConfigSnapshot> {
    private final boolean acks;
    private final StreamObserver<ConfigRequest> requests;

    DataPlane(String id, boolean acks) {
      this.acks = acks;
      this.requests = ConfigDiscoveryGrpc.newStub(channel).stream(this);
      send(
          ConfigRequest.newBuilder()
              .setNode(Node.newBuilder().setId(id).setPod(id).setRole(Node.Role.GATEWAY))
              .build());
    }

    @Override
    public void onNext(ConfigSnapshot snapshot) {
      ConfigRequest.Builder answer =
          ConfigRequest.newBuilder().setResponseNonce(snapshot.getNonce());
      if (acks) {
        answer.setVersionInfo(snapshot.getVersion());
      } else {
        answer.setErrorDetail(
            ErrorDetail.newBuilder()
                .setMessage(
                    "snapshot " + snapshot.getVersion() + " rejected: cluster default/web:80: bad")
                .addResources(
                    ResourceError.newBuilder()
                        .setKind("cluster")
                        .setName("default/web:80")
                        .setReason("bad")));
      }
      send(answer.build());
    }

    private synchronized void send(ConfigRequest request) {
      requests.onNext(request);
    }

    synchronized void close() {
      requests.onCompleted();
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
