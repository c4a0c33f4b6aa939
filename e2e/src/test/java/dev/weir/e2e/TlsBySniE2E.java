package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import dev.weir.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS by SNI with two certificates from {@code kubernetes.io/tls} Secrets, and a certificate
 * rotated in its Secret that new handshakes see without a restart, while a connection opened before
 * the rotation keeps working.
 */
class TlsBySniE2E {

  private static MockApiServer api;
  private static KubernetesClient kube;
  private static WeirStack weir;
  private static EchoServer backend;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target", "e2e", TlsBySniE2E.class.getSimpleName());
    backend = EchoServer.start("app");
    api = new MockApiServer(dir);
    kube = api.client();
    api.createService("app", backend);
    TestCertificates.Pem a = TestCertificates.selfSigned("a.example.com");
    TestCertificates.Pem b = TestCertificates.selfSigned("*.b.example.com");
    kube.resource(KubeObjects.tlsSecret("a-tls", a.certificatePem(), a.privateKeyPem())).create();
    kube.resource(KubeObjects.tlsSecret("b-tls", b.certificatePem(), b.privateKeyPem())).create();
    Ingress ingress =
        KubeObjects.withTls(
            KubeObjects.withTls(
                KubeObjects.ingress("tls", "a.example.com", KubeObjects.path("Prefix", "/", "app")),
                "a-tls",
                "a.example.com"),
            "b-tls",
            "*.b.example.com");
    ingress =
        new IngressBuilder(ingress)
            .editSpec()
            .addNewRule()
            .withHost("*.b.example.com")
            .withNewHttp()
            .withPaths(KubeObjects.path("Prefix", "/", "app"))
            .endHttp()
            .endRule()
            .endSpec()
            .build();
    kube.resource(ingress).create();
    weir = WeirStack.kubernetes(dir, api.kubeconfig());
    weir.awaitReady();
  }

  @AfterAll
  static void stop() {
    if (weir != null) {
      weir.close();
    }
    api.close();
    backend.close();
  }

  private static String subject(String sni) throws Exception {
    try (TlsClient tls = new TlsClient(weir.httpsPort, sni)) {
      return tls.certificate().getSubjectX500Principal().getName();
    }
  }

  @Test
  void eachHostGetsItsOwnCertificateBySni() {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(subject("a.example.com")).isEqualTo("CN=a.example.com");
              assertThat(subject("shop.b.example.com")).isEqualTo("CN=*.b.example.com");
            });
  }

  @Test
  void requestsOverTlsReachTheBackend() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (TlsClient tls = new TlsClient(weir.httpsPort, "shop.b.example.com")) {
                String response = tls.get("shop.b.example.com", "/x");
                assertThat(response)
                    .startsWith("HTTP/1.1 200")
                    .contains("x-forwarded-proto: https");
              }
            });
  }

  @Test
  void rotatedCertificateIsServedWithoutRestartAndOpenConnectionsSurvive() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> subject("a.example.com").equals("CN=a.example.com"));
    try (TlsClient before = new TlsClient(weir.httpsPort, "a.example.com")) {
      java.math.BigInteger oldSerial = before.certificate().getSerialNumber();
      assertThat(before.get("a.example.com", "/")).startsWith("HTTP/1.1 200");

      TestCertificates.Pem rotated = TestCertificates.selfSigned("a.example.com");
      api.update(KubeObjects.tlsSecret("a-tls", rotated.certificatePem(), rotated.privateKeyPem()));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                try (TlsClient after = new TlsClient(weir.httpsPort, "a.example.com")) {
                  assertThat(after.certificate().getSerialNumber())
                      .isEqualTo(rotated.certificate().getSerialNumber())
                      .isNotEqualTo(oldSerial);
                }
              });
      assertThat(weir.dataplane.isAlive()).isTrue();
      // The connection opened before the rotation still serves requests.
      assertThat(before.get("a.example.com", "/again")).startsWith("HTTP/1.1 200");
    }
  }
}
