package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.https;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.secret;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.sni;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.api.config.v1.RouteTable;
import dev.weir.api.config.v1.TlsSecret;
import dev.weir.dataplane.config.SnapshotRejectedException;
import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyConfigIT {

  private EchoServer alpha;
  private EchoServer beta;
  private ProxyFixture proxy;

  @BeforeEach
  void start() {
    alpha = EchoServer.start("alpha");
    beta = EchoServer.start("beta");
    proxy = new ProxyFixture();
  }

  @AfterEach
  void stop() {
    proxy.close();
    alpha.close();
    beta.close();
  }

  private static RouteTable routeTo(String cluster) {
    return table("rt", vhost("any", List.of("*"), prefix("all", "/", cluster)));
  }

  private ConfigSnapshot config(String cluster, int... ports) {
    ConfigSnapshot.Builder b =
        snapshot()
            .addRouteTables(routeTo(cluster))
            .addClusters(cluster("alpha", alpha.port()))
            .addClusters(cluster("beta", beta.port()));
    for (int p : ports) {
      b.addListeners(http("l" + p, p, "rt"));
    }
    return b.build();
  }

  @Test
  void routeNamingAnUnknownClusterIsRejectedAndTheOldConfigServes() throws Exception {
    int port = freePort();
    proxy.apply(config("alpha", port));
    String version = proxy.runtime.applier().current().orElseThrow().version();

    SnapshotRejectedException e =
        catchThrowableOfType(
            SnapshotRejectedException.class, () -> proxy.apply(config("missing", port)));
    assertThat(e.resources())
        .anySatisfy(
            r -> {
              assertThat(r.getKind()).isEqualTo("route");
              assertThat(r.getName()).isEqualTo("all");
              assertThat(r.getReason()).contains("missing");
            });
    assertThat(proxy.runtime.applier().current().orElseThrow().version()).isEqualTo(version);
    assertThat(proxy.get(port, "/x").headers().firstValue("x-backend")).hasValue("alpha");
  }

  @Test
  void garbagePemIsRejectedWithoutLeakingIt() throws Exception {
    int port = freePort();
    proxy.apply(config("alpha", port));
    TlsSecret bad =
        TlsSecret.newBuilder()
            .setName("default/bad")
            .setCertificateChain(ByteString.copyFromUtf8("-----BEGIN CERTIFICATE-----\nnope\n"))
            .setPrivateKey(ByteString.copyFromUtf8("SECRET-KEY-BYTES"))
            .build();
    ConfigSnapshot next =
        config("alpha", port).toBuilder()
            .addSecrets(bad)
            .addListeners(https("tls", freePort(), "rt", sni("a.example.com", "default/bad")))
            .build();
    SnapshotRejectedException e =
        catchThrowableOfType(SnapshotRejectedException.class, () -> proxy.apply(next));
    assertThat(e.resources()).anySatisfy(r -> assertThat(r.getKind()).isEqualTo("secret"));
    assertThat(e.getMessage()).doesNotContain("SECRET-KEY-BYTES");
    assertThat(e.resources().toString()).doesNotContain("SECRET-KEY-BYTES");
    assertThat(proxy.get(port, "/x").statusCode()).isEqualTo(200);
  }

  @Test
  void unbindablePortIsRejectedAndNothingChanges() throws Exception {
    int port = freePort();
    proxy.apply(config("alpha", port));
    try (ServerSocket taken = new ServerSocket(0)) {
      int busy = taken.getLocalPort();
      SnapshotRejectedException e =
          catchThrowableOfType(
              SnapshotRejectedException.class, () -> proxy.apply(config("beta", port, busy)));
      assertThat(e.resources()).anySatisfy(r -> assertThat(r.getKind()).isEqualTo("listener"));
    }
    assertThat(proxy.runtime.configApplier().boundPorts()).containsExactly(port);
    assertThat(proxy.get(port, "/x").headers().firstValue("x-backend")).hasValue("alpha");
  }

  @Test
  void onlyChangedListenerPortsAreOpenedOrClosed() throws Exception {
    int kept = freePort();
    int removed = freePort();
    int added = freePort();
    proxy.apply(config("alpha", kept, removed));
    try (RawHttp onKept = RawHttp.connect(kept);
        RawHttp onRemoved = RawHttp.connect(removed)) {
      onKept.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(onKept.read().status()).isEqualTo(200);
      onRemoved.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(onRemoved.read().status()).isEqualTo(200);

      proxy.apply(config("beta", kept, added));

      assertThat(proxy.runtime.configApplier().boundPorts()).containsExactlyInAnyOrder(kept, added);
      // Live connections carry on; new requests on them see the new routes.
      onKept.send("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(onKept.read().header("x-backend")).isEqualTo("beta");
      onRemoved.send("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(onRemoved.read().status()).isEqualTo(200);
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", removed).close())
        .isInstanceOf(ConnectException.class);
    assertThat(proxy.get(added, "/x").headers().firstValue("x-backend")).hasValue("beta");
  }

  @Test
  void inFlightRequestFinishesOnTheConfigItStartedWith() throws Exception {
    int port = freePort();
    proxy.apply(config("alpha", port));
    CompletableFuture<HttpResponse<String>> slow =
        proxy.client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/800")).build(),
            HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().until(() -> alpha.requests() == 1);
    proxy.apply(config("beta", port));
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-backend")).hasValue("alpha");
    assertThat(proxy.get(port, "/after").headers().firstValue("x-backend")).hasValue("beta");
  }

  @Test
  void upstreamConnectionsOfUnchangedEndpointsSurviveASwap() throws Exception {
    int port = freePort();
    proxy.apply(config("alpha", port));
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      proxy.apply(config("alpha", port).toBuilder().setVersion("other").build());
      c.send("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
    assertThat(alpha.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void summaryNamesSecretsButHoldsNoKeyMaterial() throws Exception {
    TestCertificates.Pem pem = TestCertificates.selfSigned("a.example.com");
    proxy.apply(
        config("alpha", freePort()).toBuilder()
            .addSecrets(secret("default/a", pem))
            .addListeners(https("tls", freePort(), "rt", sni("a.example.com", "default/a")))
            .build());
    var summary = proxy.runtime.applier().current().orElseThrow();
    assertThat(summary.secrets()).containsExactly("default/a");
    assertThat(summary.toString()).doesNotContain("PRIVATE KEY");
    assertThat(summary.routes()).containsExactly("* PREFIX / -> alpha");
  }
}
