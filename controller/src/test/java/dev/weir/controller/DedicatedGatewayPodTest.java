package dev.weir.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-Gateway snapshots are compiled only for Gateways that a connected pod is dedicated to: the
 * whole controller in local mode, real gRPC streams, and the admin port's {@code /snapshot}.
 */
class DedicatedGatewayPodTest {

  private static final String GATEWAYS =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: weir, generation: 1}
      spec: {controllerName: weir.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: public, namespace: web, generation: 1}
      spec:
        gatewayClassName: weir
        listeners: [{name: http, port: 8080, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: internal, namespace: web, generation: 1}
      spec:
        gatewayClassName: weir
        listeners: [{name: http, port: 9090, protocol: HTTP}]
      """;

  @TempDir Path dir;

  @Test
  void aPodDedicatedToOneGatewayGetsThatGatewaysSnapshotBuiltForIt() throws Exception {
    Files.writeString(dir.resolve("gateways.yaml"), GATEWAYS);
    try (ControllerMain controller =
            new ControllerMain(ControllerMainTest.localConfig(dir)).start();
        HttpClient http = HttpClient.newHttpClient()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
      try {
        BlockingQueue<ConfigSnapshot> shared = connect(channel, "shared", "");
        ConfigSnapshot first = shared.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getListenersList())
            .extracting(Listener::getPort)
            .containsExactly(8080, 9090);
        // No pod is dedicated to a Gateway: no per-Gateway snapshot was compiled.
        assertThat(snapshotView(http, controller).get("gateways").size()).isZero();

        BlockingQueue<ConfigSnapshot> dedicated = connect(channel, "internal-1", "web/internal");
        ConfigSnapshot own = dedicated.poll(10, TimeUnit.SECONDS);
        assertThat(own).isNotNull();
        assertThat(own.getListenersList()).extracting(Listener::getPort).containsExactly(9090);
        assertThat(own.getGeneration()).isGreaterThan(first.getGeneration());
        JsonNode gateways = snapshotView(http, controller).get("gateways");
        assertThat(gateways.size()).isEqualTo(1);
        assertThat(gateways.get("web/internal").asText()).isEqualTo(own.getVersion());
        // The shared pod's target did not change: it is sent nothing more.
        await().during(Duration.ofMillis(300)).until(shared::isEmpty);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static BlockingQueue<ConfigSnapshot> connect(
      ManagedChannel channel, String id, String gateway) {
    BlockingQueue<ConfigSnapshot> received = new LinkedBlockingQueue<>();
    StreamObserver<ConfigRequest> requests =
        ConfigDiscoveryGrpc.newStub(channel).stream(new ControllerMainTest.Collect(received));
    requests.onNext(
        ConfigRequest.newBuilder()
            .setNode(Node.newBuilder().setId(id).setRole(Node.Role.GATEWAY).setGateway(gateway))
            .build());
    return received;
  }

  private static JsonNode snapshotView(HttpClient http, ControllerMain controller)
      throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + controller.adminPort() + "/snapshot"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return new ObjectMapper().readTree(body);
  }
}
