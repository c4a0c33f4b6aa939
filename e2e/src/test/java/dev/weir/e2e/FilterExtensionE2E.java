package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.controller.crd.FilterExtension;
import io.fabric8.kubernetes.api.model.Condition;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A filter plugin run by the real data plane from a jar in its {@code --plugin-dir} (the example
 * {@code maintenance} plugin), turned on for an HTTPRoute rule by a FilterExtension
 * (weir.dev/v1alpha1) through an {@code ExtensionRef} filter, all applied as YAML to the mock API
 * server: the rule answers 503 with the configured message and {@code Retry-After} without reaching
 * the backend, unless the bypass header is sent. A config the plugin rejects is a NACK (the data
 * plane keeps serving what it had, the Gateway is {@code Programmed=False}); a FilterExtension that
 * is gone makes its rule answer 500 with {@code ResolvedRefs=False, FilterNotFound}, and the
 * route's other rules keep serving.
 */
class FilterExtensionE2E {

  private static final String PLUGIN_JAR =
      "examples/maintenance-plugin/"
          + WeirProcess.target()
          + "/weir-example-maintenance-plugin.jar";

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    Path jar = Path.of(System.getProperty("user.dir")).getParent().resolve(PLUGIN_JAR);
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the build's package phase first");
    }
    Path plugins = Path.of("target", "e2e", FilterExtensionE2E.class.getSimpleName(), "plugins");
    Files.createDirectories(plugins);
    Files.copy(
        jar, plugins.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    gw =
        new GatewayFixture(
            FilterExtensionE2E.class,
            "127.0.0.1",
            List.of("--plugin-dir", plugins.toAbsolutePath().toString()));
    assertThat(gw.weir.dataplane.output()).contains("maintenance");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** FilterExtension {@code infra/name} of plugin maintenance with {@code config} (YAML flow). */
  private static String extension(String name, String config) {
    return """
        apiVersion: weir.dev/v1alpha1
        kind: FilterExtension
        metadata: {name: %s, namespace: infra}
        spec:
          plugin: maintenance
          config: %s
        """
        .formatted(name, config);
  }

  /**
   * HTTPRoute {@code infra/name} on host {@code name.example.com}: {@code /} through the
   * FilterExtension {@code extension} to infra-backend-v1, {@code /open} straight to
   * infra-backend-v2.
   */
  private static String route(String name, String extension) {
    return GatewayFixture.httpRoute(
        name,
        """
          - matches: [{path: {value: /open}}]
            backendRefs: [{name: infra-backend-v2, port: 8080}]
          - filters:
            - type: ExtensionRef
              extensionRef: {group: weir.dev, kind: FilterExtension, name: %s}
            backendRefs: [{name: infra-backend-v1, port: 8080}]
        """
            .formatted(extension));
  }

  @Test
  void pluginAnswersWithoutTheBackendUnlessBypassed() throws Exception {
    gw.api.apply(
        extension(
                "shop-maintenance",
                "{message: 'Back at 14:00 UTC', retryAfterSeconds: 600,"
                    + " bypassHeader: x-operator, bypassValue: letmein}")
            + "---\n"
            + route("shop", "shop-maintenance"));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("shop.example.com", "/").statusCode() == 503);
    long before = gw.v1.requests();
    HttpResponse<String> closed = gw.get("shop.example.com", "/cart");
    assertThat(closed.statusCode()).isEqualTo(503);
    assertThat(closed.body()).isEqualTo("Back at 14:00 UTC\n");
    assertThat(closed.headers().firstValue("retry-after")).hasValue("600");
    assertThat(GatewayFixture.backend(closed)).isEmpty();
    assertThat(gw.get("shop.example.com", "/cart", "x-operator", "wrong").statusCode())
        .isEqualTo(503);
    assertThat(gw.v1.requests()).as("requests that reached the backend").isEqualTo(before);

    HttpResponse<String> bypassed = gw.get("shop.example.com", "/cart", "x-operator", "letmein");
    assertThat(bypassed.statusCode()).isEqualTo(200);
    assertThat(GatewayFixture.backend(bypassed)).isEqualTo("infra-backend-v1");
    assertThat(bypassed.headers().firstValue("retry-after")).isEmpty();
    HttpResponse<String> open = gw.get("shop.example.com", "/open");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(GatewayFixture.backend(open)).isEqualTo("infra-backend-v2");
    gw.awaitRouteCondition(
        GatewayFixture.NS, "shop", "same-namespace", "ResolvedRefs", "True", "ResolvedRefs");
  }

  @Test
  void rejectedConfigKeepsServingAndAMissingExtensionAnswers500() throws Exception {
    try {
      rejectedConfigThenMissingExtension();
    } finally {
      // A NACKed config blocks every later snapshot of the data plane, the other scenario's too.
      gw.kube
          .resources(FilterExtension.class)
          .inNamespace(GatewayFixture.NS)
          .withName("notice")
          .delete();
    }
  }

  private static void rejectedConfigThenMissingExtension() throws Exception {
    gw.api.apply(
        extension("notice", "{message: 'Closed for stocktaking', retryAfterSeconds: 30}")
            + "---\n"
            + route("notice", "notice"));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("notice.example.com", "/").body().equals("Closed for stocktaking\n"));

    // A config the plugin rejects (no message) is only known to the data plane: it NACKs the
    // snapshot and keeps serving the one it had; the Gateway says so.
    gw.api.apply(extension("notice", "{retryAfterSeconds: 30}"));
    Condition nack =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> gw.gatewayCondition(GatewayFixture.NS, "same-namespace", "Programmed"),
                c -> c.filter(p -> p.getReason().equals("Invalid")).isPresent())
            .orElseThrow();
    assertThat(nack.getStatus()).isEqualTo("False");
    assertThat(nack.getMessage()).contains("FilterExtension infra/notice", "message is required");
    // The route the data plane named is marked too.
    gw.awaitRouteCondition(
        GatewayFixture.NS, "notice", "same-namespace", "Programmed", "False", "Rejected");
    HttpResponse<String> still = gw.get("notice.example.com", "/");
    assertThat(still.statusCode()).isEqualTo(503);
    assertThat(still.body()).isEqualTo("Closed for stocktaking\n");
    assertThat(gw.get("notice.example.com", "/open").statusCode()).isEqualTo(200);

    // Fixed: the next snapshot is accepted and served.
    gw.api.apply(extension("notice", "{message: 'Open at nine', retryAfterSeconds: 30}"));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("notice.example.com", "/").body().equals("Open at nine\n"));
    gw.awaitProgrammed();

    // Gone: the filter is never skipped (Gateway API HTTPRouteFilter), its rule answers 500.
    gw.kube
        .resources(FilterExtension.class)
        .inNamespace(GatewayFixture.NS)
        .withName("notice")
        .delete();
    gw.awaitRouteCondition(
        GatewayFixture.NS, "notice", "same-namespace", "ResolvedRefs", "False", "FilterNotFound");
    long before = gw.v1.requests();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> gw.get("notice.example.com", "/").statusCode() == 500);
    assertThat(gw.v1.requests()).as("requests that reached the backend").isEqualTo(before);
    HttpResponse<String> open = gw.get("notice.example.com", "/open");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(GatewayFixture.backend(open)).isEqualTo("infra-backend-v2");
  }
}
