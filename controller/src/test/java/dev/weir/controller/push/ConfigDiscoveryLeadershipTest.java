package dev.weir.controller.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Node;
import dev.weir.controller.leader.Leadership;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Only the leader serves data planes: a real grpc-netty server and client on an ephemeral port. */
class ConfigDiscoveryLeadershipTest {

  private static final ConfigSnapshot V1 =
      ConfigSnapshot.newBuilder().setVersion("v1").setGeneration(1).build();

  private final NodeRegistry registry = new NodeRegistry();
  private final Leadership leadership = Leadership.elected("replica-b");
  private final ConfigDiscoveryService service = new ConfigDiscoveryService(registry, leadership);
  private ConfigServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = new ConfigServer(new InetSocketAddress("127.0.0.1", 0), service).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    service.publish(V1);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void aStandbyRefusesStreamsWithUnavailableNamingTheLeader() throws Exception {
    leadership.observeLeader("replica-a");
    Stream s = open("gw-1");

    Status status = s.ended.get(5, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription())
        .isEqualTo("controller replica-b is not the leader; the leader is replica-a");
    assertThat(s.received).isEmpty();
    assertThat(registry.node("gw-1")).isEmpty();
  }

  @Test
  void theLeaderServesAndEndsEveryStreamWhenItStopsLeading() throws Exception {
    leadership.startLeading();
    Stream s = open("gw-1");
    assertThat(s.received.poll(5, TimeUnit.SECONDS)).isNotNull();
    await().until(() -> registry.node("gw-1").map(NodeState::connected).orElse(false));

    leadership.stopLeading();

    Status status = s.ended.get(5, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).startsWith("controller replica-b is not the leader");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !registry.node("gw-1").orElseThrow().connected());
    assertThat(service.connectedStreams()).isZero();
  }

  private Stream open(String id) {
    Stream s = new Stream();
    StreamObserver<ConfigRequest> requests = ConfigDiscoveryGrpc.newStub(channel).stream(s);
    requests.onNext(
        ConfigRequest.newBuilder()
            .setNode(Node.newBuilder().setId(id).setRole(Node.Role.GATEWAY))
            .build());
    return s;
  }

  /** A data-plane stand-in: records snapshots and how the stream ended. */
  private static final class Stream implements StreamObserver<ConfigSnapshot> {
    final LinkedBlockingQueue<ConfigSnapshot> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();

    @Override
    public void onNext(ConfigSnapshot value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK);
    }
  }
}
