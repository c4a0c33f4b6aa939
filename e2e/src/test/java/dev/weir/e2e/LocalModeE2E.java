package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode as the README promises it: the controller on a folder of ordinary Kubernetes YAML;
 * editing a file reroutes live traffic within a second with no failed request, and a broken file
 * keeps the last good routing.
 */
class LocalModeE2E {

  @TempDir static Path manifests;
  private static WeirStack weir;
  private static EchoServer web;
  private static EchoServer api;

  @BeforeAll
  static void start() throws Exception {
    web = EchoServer.start("web");
    api = EchoServer.start("api");
    Files.writeString(manifests.resolve("class.yaml"), ManifestYaml.WEIR_CLASS);
    Files.writeString(
        manifests.resolve("services.yaml"),
        ManifestYaml.service("web", web.port())
            + "---\n"
            + ManifestYaml.service("api", api.port()));
    Files.writeString(manifests.resolve("app.yaml"), ingress("web"));
    weir = WeirStack.local(Path.of("target", "e2e", LocalModeE2E.class.getSimpleName()), manifests);
    weir.awaitReady();
  }

  @AfterAll
  static void stop() {
    if (weir != null) {
      weir.close();
    }
    web.close();
    api.close();
  }

  /** An Ingress without a class (the default class takes it) sending /api to {@code apiService}. */
  private static String ingress(String apiService) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: app
        spec:
          rules:
          - host: app.local
            http:
              paths:
              - path: /api
                pathType: Prefix
                backend:
                  service:
                    name: %s
                    port:
                      name: http
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: web
                    port:
                      number: 80
        """
        .formatted(apiService);
  }

  private static String backendOf(String path) throws Exception {
    return weir.get("app.local", path).headers().firstValue("x-backend").orElse("");
  }

  @Test
  void editingAFileReroutesLiveTrafficWithoutErrors() throws Exception {
    assertThat(backendOf("/api/users")).isEqualTo("web");
    LoadLoop load = new LoadLoop(weir.client(), () -> weir.request("app.local", "/"), 100);
    try (load) {
      long start = System.nanoTime();
      Files.writeString(manifests.resolve("app.yaml"), ingress("api"));
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> backendOf("/api/users").equals("api"));
      System.out.println(
          "local mode: file edit -> routed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
    assertThat(load.failures()).isEmpty();
    assertThat(load.ok()).isGreaterThan(0);
  }

  @Test
  void brokenFileKeepsTheLastGoodRoutingAndIsReportedWithItsLine() throws Exception {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> weir.get("app.local", "/").statusCode() == 200);
    String version = weir.servingVersion();
    Files.writeString(
        manifests.resolve("services.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(weir.controller.output()).containsPattern("services\\.yaml:\\d+: "));
    assertThat(weir.get("app.local", "/").statusCode()).isEqualTo(200);
    assertThat(weir.servingVersion()).isEqualTo(version);
  }
}
