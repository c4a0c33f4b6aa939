package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import dev.weir.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request meters of a running proxy, read from its Prometheus text: counts by listener, route,
 * backend, method and status class, the latency histograms, bytes, and labels that never carry a
 * raw path or host.
 */
class ProxyRequestMetricsIT {

  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("shop");
    proxy = new ProxyFixture();
    port = Snapshots.freePort();
    proxy.apply(
        Snapshots.snapshot()
            .addListeners(Snapshots.http("gateway/80", port, "rt"))
            .addRouteTables(
                Snapshots.table(
                    "rt",
                    Snapshots.vhost(
                        "any",
                        List.of("*"),
                        Snapshots.prefix(
                            "httproute/default/shop/r0/m0", "/shop", "default/shop:80"),
                        Snapshots.direct(
                            "httproute/default/tea/r0/m0", "/tea", 418, "short and stout"))))
            .addClusters(Snapshots.cluster("default/shop:80", backend.port()))
            .build());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void countsRequestsByListenerRouteBackendMethodAndStatusClass() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(proxy.get(port, "/shop/item-" + i).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> posted =
        proxy.client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shop/cart"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(proxy.get(port, "/tea").statusCode()).isEqualTo(418);
    assertThat(proxy.get(port, "/elsewhere").statusCode()).isEqualTo(404);

    Map<String, String> shop =
        Map.of(
            "listener",
            "gateway/80",
            "route",
            "httproute/default/shop",
            "backend",
            "default/shop:80");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> scrape().sum("weir_requests_total", Map.of("listener", "gateway/80")) == 6);
    PrometheusText text = scrape();

    assertThat(text.sum("weir_requests_total", with(shop, "method", "GET", "status_class", "2xx")))
        .isEqualTo(3);
    assertThat(text.sum("weir_requests_total", with(shop, "method", "POST", "status_class", "2xx")))
        .isEqualTo(1);
    assertThat(
            text.sum(
                "weir_requests_total",
                Map.of("route", "httproute/default/tea", "backend", "", "status_class", "4xx")))
        .isEqualTo(1);
    assertThat(text.sum("weir_requests_total", Map.of("route", "", "status_class", "4xx")))
        .isEqualTo(1);
    // The histogram: every request of the route falls under the +Inf bucket, and the count agrees.
    assertThat(
            text.sum(
                "weir_request_duration_seconds_bucket",
                with(shop, "status_class", "2xx", "le", "+Inf")))
        .isEqualTo(4);
    assertThat(text.sum("weir_request_duration_seconds_count", with(shop, "status_class", "2xx")))
        .isEqualTo(4);
    assertThat(text.sum("weir_upstream_duration_seconds_count", shop)).isEqualTo(4);
    assertThat(text.sum("weir_upstream_duration_seconds_sum", shop)).isPositive();
    assertThat(text.sum("weir_time_to_first_byte_seconds_count", shop)).isEqualTo(4);
    // A direct response never went upstream.
    assertThat(
            text.sum(
                "weir_upstream_duration_seconds_count", Map.of("route", "httproute/default/tea")))
        .isZero();
    assertThat(text.sum("weir_request_bytes_total", shop)).isEqualTo(100);
    assertThat(text.sum("weir_response_bytes_total", shop)).isPositive();
    // Bounded labels: no sample carries a raw path.
    assertThat(text.samples())
        .noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains("item-")));
    // Process meters are there too.
    assertThat(text.has("jvm_memory_used_bytes")).isTrue();
    assertThat(text.has("weir_netty_direct_memory_used_bytes")).isTrue();
  }

  @Test
  void unknownMethodsShareOneLabel() throws Exception {
    HttpResponse<String> response =
        proxy.client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/shop"))
                .method("BREW", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> scrape().sum("weir_requests_total", Map.of("method", "OTHER")) == 1);
    assertThat(scrape().find("weir_requests_total", Map.of("method", "BREW"))).isEmpty();
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(proxy.runtime.telemetry().scrape());
  }

  private static Map<String, String> with(Map<String, String> base, String... more) {
    Map<String, String> all = new java.util.HashMap<>(base);
    for (int i = 0; i < more.length; i += 2) {
      all.put(more[i], more[i + 1]);
    }
    return all;
  }
}
