package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data plane receiving SIGTERM while a slow request is in flight, as when Kubernetes stops a pod:
 * it stops accepting, fails readiness, lets the request finish, and exits 0 within its drain period
 * (the default, 30 s).
 */
class GracefulDrainE2E {

  @TempDir Path manifests;
  private WeirStack weir;
  private EchoServer backend;

  @AfterEach
  void stop() {
    if (weir != null) {
      weir.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void sigtermLetsTheInFlightRequestFinishThenExitsZero() throws Exception {
    backend = EchoServer.start("slow");
    Files.writeString(manifests.resolve("app.yaml"), app(backend.port()));
    weir =
        WeirStack.local(
            Path.of("target", "e2e", GracefulDrainE2E.class.getSimpleName()), manifests);
    weir.awaitReady();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> weir.get("drain.local", "/").statusCode() == 200);

    CompletableFuture<HttpResponse<String>> slow =
        weir.client()
            .sendAsync(
                weir.request("drain.local", "/slow/4000"), HttpResponse.BodyHandlers.ofString());
    long before = backend.requests();
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() > before);
    long start = System.nanoTime();
    weir.dataplane.terminate();

    // Readiness fails while the probe port still answers, and the proxy port refuses.
    await()
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> readyStatus() == 503);
    assertThatThrownBy(() -> new Socket("127.0.0.1", weir.httpPort).close())
        .isInstanceOf(ConnectException.class);
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("uri=/slow/4000");
    assertThat(weir.dataplane.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(weir.dataplane.output()).contains("drained in");
  }

  private int readyStatus() {
    try {
      return weir.client()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + weir.probePort + "/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String app(int port) {
    return ManifestYaml.WEIR_CLASS
        + "---\n"
        + ManifestYaml.service("slow", port)
        + "---\n"
        + """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: drain
        spec:
          rules:
          - host: drain.local
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: slow
                    port:
                      number: 80
        """;
  }
}
