package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A snapshot that a pod cannot apply: the HTTPS port it asks for is taken on the pod. The pod NACKs
 * it naming the listener, keeps serving its last good config, and the controller shows the NACK on
 * {@code /nodes}; once the port is free, the next snapshot is applied and ACKed.
 */
class NackKeepsServingE2E {

  private static final String HOST = "nack.example.com";
  private static MockApiServer api;
  private static KubernetesClient kube;
  private static WeirStack weir;
  private static EchoServer backend;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target", "e2e", NackKeepsServingE2E.class.getSimpleName());
    backend = EchoServer.start("app");
    api = new MockApiServer(dir);
    kube = api.client();
    api.createService("app", backend);
    kube.resource(KubeObjects.ingress("nack", HOST, KubeObjects.path("Prefix", "/", "app")))
        .create();
    weir = WeirStack.kubernetes(dir, api.kubeconfig());
    weir.awaitReady();
    await().atMost(Duration.ofSeconds(10)).until(() -> weir.get(HOST, "/").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (weir != null) {
      weir.close();
    }
    api.close();
    backend.close();
  }

  @Test
  void unappliableSnapshotIsNackedWithItsReasonAndTheLastGoodConfigKeepsServing() throws Exception {
    String good = weir.servingVersion();
    TestCertificates.Pem pem = TestCertificates.selfSigned(HOST);
    try (ServerSocket taken =
        new ServerSocket(weir.httpsPort, 50, InetAddress.getLoopbackAddress())) {
      // TLS makes the snapshot add the HTTPS listener, on a port something else holds.
      kube.resource(KubeObjects.tlsSecret("nack-tls", pem.certificatePem(), pem.privateKeyPem()))
          .create();
      api.update(
          KubeObjects.withTls(
              KubeObjects.ingress("nack", HOST, KubeObjects.path("Prefix", "/", "app")),
              "nack-tls",
              HOST));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(weir.nodes())
                      .contains("\"lastNack\" : {")
                      .contains(Integer.toString(weir.httpsPort)));
      assertThat(weir.servingVersion()).isEqualTo(good);
      assertThat(weir.get(HOST, "/").statusCode()).isEqualTo(200);
      assertThat(weir.nodes()).contains("\"lastAckedVersion\" : \"" + good + "\"");
    }
    // The port is free again: the next change is applied whole, HTTPS listener included.
    api.update(
        KubeObjects.withTls(
            KubeObjects.ingress(
                "nack",
                HOST,
                KubeObjects.path("Prefix", "/", "app"),
                KubeObjects.path("Exact", "/again", "app")),
            "nack-tls",
            HOST));
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (TlsClient tls = new TlsClient(weir.httpsPort, HOST)) {
                assertThat(tls.get(HOST, "/again")).startsWith("HTTP/1.1 200");
              }
            });
    String applied = weir.servingVersion();
    assertThat(applied).isNotEqualTo(good);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(weir.nodes()).contains("\"lastAckedVersion\" : \"" + applied + "\""));
  }
}
