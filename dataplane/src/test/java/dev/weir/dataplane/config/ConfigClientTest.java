package dev.weir.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.ConfigRequest;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.Listener;
import dev.weir.api.config.v1.Node;
import dev.weir.api.config.v1.TlsSecret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigClientTest {

  private static final Node NODE =
      Node.newBuilder()
          .setId("gw-1")
          .setPod("weir-gateway-abc")
          .setNamespace("weir-system")
          .setRole(Node.Role.GATEWAY)
          .build();

  @TempDir Path dir;

  private final RecordingSnapshotApplier applier = new RecordingSnapshotApplier();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  @Test
  void firstRequestCarriesNodeIdentityAndEmptyVersion() throws Exception {
    FakeController controller = controller(0);
    client(controller.port(), Optional.empty()).start();

    ConfigRequest first = controller.nextRequest();

    assertThat(first.getNode()).isEqualTo(NODE);
    assertThat(first.getVersionInfo()).isEmpty();
    assertThat(first.getResponseNonce()).isEmpty();
    assertThat(first.hasErrorDetail()).isFalse();
  }

  @Test
  void connectedOnceTheStreamIsOpenEvenBeforeAnySnapshot() throws Exception {
    FakeController controller = controller(0);
    ConfigClient client = client(controller.port(), Optional.empty());
    assertThat(client.isConnected()).isFalse();

    client.start();
    controller.nextRequest();

    await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
    assertThat(client.hasApplied()).isFalse();
  }

  @Test
  void appliedSnapshotIsAckedWithItsVersionAndNonce() throws Exception {
    FakeController controller = controller(0);
    ConfigClient client = client(controller.port(), Optional.empty());
    client.start();
    controller.nextRequest();
    assertThat(client.hasApplied()).isFalse();

    controller.send(snapshot("v1", 7, "n-1"));
    ConfigRequest ack = controller.nextRequest();

    assertThat(ack.getVersionInfo()).isEqualTo("v1");
    assertThat(ack.getResponseNonce()).isEqualTo("n-1");
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(applier.appliedVersions()).containsExactly("v1");
    assertThat(applier.threads).containsOnly("weir-config-client");
    ConfigClientState state = client.state();
    assertThat(state.applied()).isTrue();
    assertThat(state.connected()).isTrue();
    assertThat(state.appliedVersion()).isEqualTo("v1");
    assertThat(state.appliedGeneration()).isEqualTo(7);
    assertThat(state.controller()).isEqualTo("127.0.0.1:" + controller.port());
  }

  @Test
  void rejectedSnapshotIsNackedAndAppliedVersionStays() throws Exception {
    FakeController controller = controller(0);
    ConfigClient client = client(controller.port(), Optional.empty());
    client.start();
    controller.nextRequest();
    controller.send(snapshot("v1", 1, "n-1"));
    controller.nextRequest();
    applier.rejectVersions.add("v2");

    controller.send(snapshot("v2", 2, "n-2"));
    ConfigRequest nack = controller.nextRequest();

    assertThat(nack.getVersionInfo()).isEqualTo("v1");
    assertThat(nack.getResponseNonce()).isEqualTo("n-2");
    assertThat(nack.getErrorDetail().getMessage()).isEqualTo("cluster default/cart:80 is broken");
    assertThat(nack.getErrorDetail().getResourcesList())
        .containsExactly(RecordingSnapshotApplier.BAD_CLUSTER);
    assertThat(client.state().appliedVersion()).isEqualTo("v1");
    assertThat(client.state().lastError()).contains("cluster default/cart:80 is broken");
    assertThat(applier.appliedVersions()).containsExactly("v1");
    // One ACK (v1) and one NACK (v2) counted, as sent.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.get("weir.config.nacks").counter().count() == 1);
    assertThat(registry.get("weir.config.acks").counter().count()).isEqualTo(1);
  }

  @Test
  void unexpectedApplyFailureIsNackedAsInternalError() throws Exception {
    FakeController controller = controller(0);
    ConfigClient client = client(controller.port(), Optional.empty());
    client.start();
    controller.nextRequest();
    applier.crashVersions.add("v1");

    controller.send(snapshot("v1", 1, "n-1"));
    ConfigRequest nack = controller.nextRequest();

    assertThat(nack.getVersionInfo()).isEmpty();
    assertThat(nack.getResponseNonce()).isEqualTo("n-1");
    assertThat(nack.getErrorDetail().getMessage()).startsWith("internal error").contains("boom");
    assertThat(client.hasApplied()).isFalse();

    // The client carries on: the next good snapshot is applied.
    controller.send(snapshot("v2", 2, "n-2"));
    assertThat(controller.nextRequest().getVersionInfo()).isEqualTo("v2");
  }

  @Test
  void sameVersionTwiceIsAckedWithoutSecondApply() throws Exception {
    FakeController controller = controller(0);
    client(controller.port(), Optional.empty()).start();
    controller.nextRequest();
    controller.send(snapshot("v1", 1, "n-1"));
    controller.nextRequest();

    controller.send(snapshot("v1", 2, "n-2"));
    ConfigRequest ack = controller.nextRequest();

    assertThat(ack.getVersionInfo()).isEqualTo("v1");
    assertThat(ack.getResponseNonce()).isEqualTo("n-2");
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(applier.applied).hasSize(1);
  }

  @Test
  void reconnectsAfterControllerRestartAndReportsItsVersion() throws Exception {
    FakeController first = FakeController.start(0);
    int port = first.port();
    ConfigClient client = client(port, Optional.empty());
    client.start();
    first.nextRequest();
    first.send(snapshot("v1", 1, "n-1"));
    first.nextRequest();
    await().atMost(Duration.ofSeconds(10)).until(client::isConnected);

    first.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
    assertThat(client.state().lastError()).startsWith("controller stream:");
    assertThat(client.hasApplied()).isTrue();
    FakeController second = controller(port);

    ConfigRequest hello = second.nextRequest();

    assertThat(hello.getNode()).isEqualTo(NODE);
    assertThat(hello.getVersionInfo()).isEqualTo("v1");
    assertThat(hello.getResponseNonce()).isEmpty();
    // Like the real controller, this one sends nothing to a node that has its version.
    await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
    second.send(snapshot("v2", 2, "n-2"));
    assertThat(second.nextRequest().getVersionInfo()).isEqualTo("v2");
    assertThat(client.isConnected()).isTrue();
  }

  @Test
  void streamEndedByControllerIsReopened() throws Exception {
    FakeController controller = controller(0);
    ConfigClient client = client(controller.port(), Optional.empty());
    client.start();
    controller.nextRequest();
    controller.send(snapshot("v1", 1, "n-1"));
    controller.nextRequest();

    controller.completeStream();
    ConfigRequest hello = controller.nextRequest();

    assertThat(hello.getVersionInfo()).isEqualTo("v1");
    assertThat(hello.getResponseNonce()).isEmpty();
    assertThat(controller.streams()).isEqualTo(2);
  }

  @Test
  void eachReconnectTriesTheNextControllerInTurn() throws Exception {
    FakeController a = controller(0);
    FakeController b = controller(0);
    ConfigClient client = client(List.of(a.port(), b.port()), Optional.empty());
    client.start();
    a.nextRequest();
    a.send(snapshot("v1", 1, "n-1"));
    a.nextRequest(); // the ACK

    a.completeStream(); // a stops serving (say, it is no longer the leader)
    ConfigRequest atB = b.nextRequest();
    assertThat(atB.getVersionInfo()).isEqualTo("v1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.state().controller().equals("127.0.0.1:" + b.port()));
    b.completeStream();
    assertThat(a.nextRequest().getVersionInfo()).isEqualTo("v1");

    assertThat(a.streams()).isEqualTo(2);
    assertThat(b.streams()).isEqualTo(1);
    assertThat(client.hasApplied()).isTrue();
  }

  @Test
  void appliedSnapshotIsSavedOwnerOnly() throws Exception {
    Path file = dir.resolve("state/snapshot.pb");
    FakeController controller = controller(0);
    client(controller.port(), Optional.of(new SnapshotFile(file))).start();
    controller.nextRequest();

    controller.send(snapshot("v1", 1, "n-1"));
    controller.nextRequest();

    assertThat(ConfigSnapshot.parseFrom(Files.readAllBytes(file)).getVersion()).isEqualTo("v1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var leftovers = Files.list(file.getParent())) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void rejectedSnapshotIsNotSaved() throws Exception {
    Path file = dir.resolve("snapshot.pb");
    FakeController controller = controller(0);
    client(controller.port(), Optional.of(new SnapshotFile(file))).start();
    controller.nextRequest();
    controller.send(snapshot("v1", 1, "n-1"));
    controller.nextRequest();
    applier.rejectVersions.add("v2");

    controller.send(snapshot("v2", 2, "n-2"));
    controller.nextRequest();

    assertThat(ConfigSnapshot.parseFrom(Files.readAllBytes(file)).getVersion()).isEqualTo("v1");
  }

  @Test
  void newClientStartsFromSavedSnapshotBeforeControllerIsReachable() throws Exception {
    Path file = dir.resolve("snapshot.pb");
    new SnapshotFile(file).write(snapshot("v1", 4, "n-1"));
    // A port where nothing listens: a controller that was started and stopped.
    FakeController gone = FakeController.start(0);
    int port = gone.port();
    gone.close();

    ConfigClient client = client(port, Optional.of(new SnapshotFile(file)));
    client.start();

    await().atMost(Duration.ofSeconds(10)).until(client::hasApplied);
    assertThat(applier.appliedVersions()).containsExactly("v1");
    assertThat(client.state().appliedGeneration()).isEqualTo(4);
    assertThat(client.isConnected()).isFalse();

    FakeController controller = controller(port);
    ConfigRequest hello = controller.nextRequest();
    assertThat(hello.getVersionInfo()).isEqualTo("v1");
  }

  @Test
  void corruptSavedSnapshotIsIgnored() throws Exception {
    Path file = dir.resolve("snapshot.pb");
    Files.write(file, "not a snapshot".getBytes(StandardCharsets.UTF_8));
    FakeController controller = controller(0);
    ConfigClient client = client(controller.port(), Optional.of(new SnapshotFile(file)));
    client.start();

    ConfigRequest hello = controller.nextRequest();

    assertThat(hello.getVersionInfo()).isEmpty();
    assertThat(client.hasApplied()).isFalse();
    assertThat(applier.threads).isEmpty();
  }

  @Test
  void savedSnapshotWithoutVersionIsIgnored() throws Exception {
    Path file = dir.resolve("snapshot.pb");
    Files.write(file, ConfigSnapshot.newBuilder().setGeneration(3).build().toByteArray());

    assertThat(new SnapshotFile(file).read()).isEmpty();
    assertThat(new SnapshotFile(dir.resolve("missing.pb")).read()).isEmpty();
  }

  private FakeController controller(int port) throws Exception {
    FakeController controller = FakeController.start(port);
    toClose.add(controller);
    return controller;
  }

  private ConfigClient client(int port, Optional<SnapshotFile> file) {
    return client(List.of(port), file);
  }

  private ConfigClient client(List<Integer> ports, Optional<SnapshotFile> file) {
    ConfigClient client =
        new ConfigClient(
            ports.stream().map(p -> InetSocketAddress.createUnresolved("127.0.0.1", p)).toList(),
            NODE,
            applier,
            file,
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(200), Math::random),
            registry);
    toClose.add(client);
    return client;
  }

  private static ConfigSnapshot snapshot(String version, long generation, String nonce) {
    return ConfigSnapshot.newBuilder()
        .setVersion(version)
        .setGeneration(generation)
        .setNonce(nonce)
        .addListeners(
            Listener.newBuilder().setName("http").setPort(8080).setProtocol(Listener.Protocol.HTTP))
        .addSecrets(
            TlsSecret.newBuilder()
                .setName("default/shop-tls")
                .setCertificateChain(ByteString.copyFromUtf8("-----BEGIN CERTIFICATE-----"))
                .setPrivateKey(ByteString.copyFromUtf8("-----BEGIN PRIVATE KEY-----")))
        .build();
  }
}
