package dev.weir.controller.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigDiscoveryGrpc;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.ErrorDetail;
import dev.weir.api.config.v1.Node;
import dev.weir.api.config.v1.ResourceError;
import dev.weir.controller.compile.BuildResult;
import dev.weir.controller.leader.Leadership;
import dev.weir.controller.model.GatewayApiStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real grpc-netty server and client in one JVM, on an ephemeral port. */
class ConfigDiscoveryServiceTest {

  private static final ConfigSnapshot V1 = snapshot("v1", 1);
  private static final ConfigSnapshot V2 = snapshot("v2", 2);

  private final NodeRegistry registry = new NodeRegistry();
  private final ConfigDiscoveryService service =
      new ConfigDiscoveryService(registry, Leadership.alwaysLeader("test"));
  private final List<Client> clients = new ArrayList<>();
  private ConfigServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = new ConfigServer(new InetSocketAddress("127.0.0.1", 0), service).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(Client::close);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void firstRequestGetsTheCurrentSnapshotWithANonce() throws Exception {
    service.publish(V1);
    Client c = connect("gw-1", "");

    ConfigSnapshot got = c.next();
    assertThat(got.getVersion()).isEqualTo("v1");
    assertThat(got.getGeneration()).isEqualTo(1);
    assertThat(got.getNonce()).isNotEmpty();
    NodeState node = registry.node("gw-1").orElseThrow();
    assertThat(node.connected()).isTrue();
    assertThat(node.pod()).isEqualTo("pod-gw-1");
    assertThat(node.role()).isEqualTo("GATEWAY");
  }

  @Test
  void ackIsRecordedWithGenerationAndPropagationTime() throws Exception {
    service.publish(V1);
    Client c = connect("gw-1", "");
    ConfigSnapshot got = c.next();

    c.send(ConfigRequest.newBuilder().setVersionInfo("v1").setResponseNonce(got.getNonce()));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.node("gw-1").orElseThrow().lastAckedVersion().equals("v1"));
    NodeState node = registry.node("gw-1").orElseThrow();
    assertThat(node.lastAckedGeneration()).isEqualTo(1);
    assertThat(node.lastAckAt()).isNotNull();
    assertThat(node.lastPropagationMillis()).isGreaterThanOrEqualTo(0);
    assertThat(node.lastNack()).isNull();
  }

  @Test
  void nackIsRecordedAndKeepsTheLastAck() throws Exception {
    service.publish(V1);
    Client c = connect("gw-1", "");
    c.send(ConfigRequest.newBuilder().setVersionInfo("v1").setResponseNonce(c.next().getNonce()));
    await().until(() -> registry.node("gw-1").orElseThrow().lastAckedVersion().equals("v1"));

    service.publish(V2);
    ConfigSnapshot second = c.next();
    assertThat(second.getVersion()).isEqualTo("v2");
    c.send(
        ConfigRequest.newBuilder()
            .setVersionInfo("v1")
            .setResponseNonce(second.getNonce())
            .setErrorDetail(
                ErrorDetail.newBuilder()
                    .setMessage("cluster default/web:80 has no endpoints")
                    .addResources(
                        ResourceError.newBuilder()
                            .setKind("cluster")
                            .setName("default/web:80")
                            .setReason("bad"))));

    await().until(() -> registry.node("gw-1").orElseThrow().lastNack() != null);
    NodeState node = registry.node("gw-1").orElseThrow();
    assertThat(node.lastNack().version()).isEqualTo("v2");
    assertThat(node.lastNack().nonce()).isEqualTo(second.getNonce());
    assertThat(node.lastNack().message()).isEqualTo("cluster default/web:80 has no endpoints");
    assertThat(node.lastNack().resources())
        .containsExactly(new NodeState.FailedResource("cluster", "default/web:80", "bad"));
    assertThat(node.lastAckedVersion()).isEqualTo("v1");
    assertThat(node.lastAckedGeneration()).isEqualTo(1);
  }

  @Test
  void newSnapshotIsPushedToEveryStreamWithDistinctNonces() throws Exception {
    service.publish(V1);
    Client a = connect("gw-a", "");
    Client b = connect("gw-b", "");
    String nonceA1 = a.next().getNonce();
    b.next();

    service.publish(V2);

    ConfigSnapshot a2 = a.next();
    ConfigSnapshot b2 = b.next();
    assertThat(a2.getVersion()).isEqualTo("v2");
    assertThat(b2.getVersion()).isEqualTo("v2");
    assertThat(a2.getGeneration()).isEqualTo(2);
    assertThat(List.of(nonceA1, a2.getNonce(), b2.getNonce())).doesNotHaveDuplicates();
  }

  @Test
  void reconnectWithTheCurrentVersionGetsNothing() throws Exception {
    service.publish(V1);
    Client c = connect("gw-1", "v1");

    await().until(() -> registry.node("gw-1").orElseThrow().lastAckedVersion().equals("v1"));
    // Prove the stream works and that v1 was skipped: the next thing it receives is v2.
    service.publish(V2);
    assertThat(c.next().getVersion()).isEqualTo("v2");
  }

  @Test
  void reconnectWithAnOldVersionGetsTheCurrentSnapshot() throws Exception {
    service.publish(V2);
    Client c = connect("gw-1", "v1");

    assertThat(c.next().getVersion()).isEqualTo("v2");
  }

  @Test
  void disconnectIsRecorded() throws Exception {
    service.publish(V1);
    Client c = connect("gw-1", "");
    c.next();
    assertThat(registry.node("gw-1").orElseThrow().connected()).isTrue();

    c.close();

    await().until(() -> !registry.node("gw-1").orElseThrow().connected());
    assertThat(service.connectedStreams()).isZero();
  }

  @Test
  void nackFromOneNodeDoesNotAffectAnother() throws Exception {
    service.publish(V1);
    Client a = connect("gw-a", "");
    Client b = connect("gw-b", "");
    ConfigSnapshot toA = a.next();
    ConfigSnapshot toB = b.next();

    a.send(
        ConfigRequest.newBuilder()
            .setResponseNonce(toA.getNonce())
            .setErrorDetail(ErrorDetail.newBuilder().setMessage("nope")));
    b.send(ConfigRequest.newBuilder().setVersionInfo("v1").setResponseNonce(toB.getNonce()));

    await().until(() -> registry.node("gw-b").orElseThrow().lastAckedVersion().equals("v1"));
    await().until(() -> registry.node("gw-a").orElseThrow().lastNack() != null);
    assertThat(registry.node("gw-b").orElseThrow().lastNack()).isNull();
    assertThat(registry.node("gw-a").orElseThrow().lastAckedVersion()).isEmpty();
  }

  @Test
  void eachNodeGetsTheSnapshotOfItsGatewayAndUnchangedTargetsGetNothing() throws Exception {
    service.publish(result(snapshot("shared-1", 1), snapshot("gw-1", 1)));
    Client shared = connect("shared", "", "");
    Client dedicated = connect("dedicated", "", "web/gw");
    Client unknown = connect("unknown", "", "web/missing");
    assertThat(shared.next().getVersion()).isEqualTo("shared-1");
    assertThat(dedicated.next().getVersion()).isEqualTo("gw-1");
    ConfigSnapshot empty = unknown.next();
    assertThat(empty.getListenersCount()).isZero();
    assertThat(empty.getVersion()).isNotEmpty().isNotIn("shared-1", "gw-1");
    assertThat(registry.node("dedicated").orElseThrow().gateway()).isEqualTo("web/gw");
    assertThat(service.current("web/gw").orElseThrow().getVersion()).isEqualTo("gw-1");

    // Only the Gateway's target changes: its node gets generation 2, the others nothing.
    service.publish(result(snapshot("shared-1", 2), snapshot("gw-2", 2)));

    ConfigSnapshot second = dedicated.next();
    assertThat(second.getVersion()).isEqualTo("gw-2");
    assertThat(second.getGeneration()).isEqualTo(2);
    // Prove nothing else was queued: the next thing the shared node receives is shared-3.
    service.publish(result(snapshot("shared-3", 3), snapshot("gw-2", 3)));
    assertThat(shared.next().getVersion()).isEqualTo("shared-3");
    assertThat(shared.received).isEmpty();
    assertThat(dedicated.received.poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(unknown.received).isEmpty();
  }

  private static BuildResult result(ConfigSnapshot shared, ConfigSnapshot gateway) {
    return new BuildResult(
        shared, new TreeMap<>(Map.of("web/gw", gateway)), List.of(), GatewayApiStatus.empty());
  }

  private static ConfigSnapshot snapshot(String version, long generation) {
    return ConfigSnapshot.newBuilder().setVersion(version).setGeneration(generation).build();
  }

  private Client connect(String id, String version) {
    return connect(id, version, "");
  }

  private Client connect(String id, String version, String gateway) {
    Client c = new Client();
    c.requests = ConfigDiscoveryGrpc.newStub(channel).stream(c);
    c.send(
        ConfigRequest.newBuilder()
            .setNode(
                Node.newBuilder()
                    .setId(id)
                    .setPod("pod-" + id)
                    .setNamespace("weir")
                    .setRole(Node.Role.GATEWAY)
                    .setGateway(gateway))
            .setVersionInfo(version));
    clients.add(c);
    await().until(() -> registry.node(id).map(NodeState::connected).orElse(false));
    return c;
  }

  /** A data-plane stand-in: queues what it receives. */
  private static final class Client implements StreamObserver<ConfigSnapshot> {
    final BlockingQueue<ConfigSnapshot> received = new LinkedBlockingQueue<>();
    StreamObserver<ConfigRequest> requests;
    boolean closed;

    ConfigSnapshot next() throws InterruptedException {
      ConfigSnapshot s = received.poll(5, TimeUnit.SECONDS);
      assertThat(s).as("a snapshot within 5 s").isNotNull();
      return s;
    }

    synchronized void send(ConfigRequest.Builder request) {
      requests.onNext(request.build());
    }

    synchronized void close() {
      if (!closed) {
        closed = true;
        requests.onCompleted();
      }
    }

    @Override
    public void onNext(ConfigSnapshot value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
