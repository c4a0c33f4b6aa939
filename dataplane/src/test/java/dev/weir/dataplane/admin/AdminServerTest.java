package dev.weir.dataplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.dataplane.config.ConfigClientState;
import dev.weir.dataplane.config.ConfigSummary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private final AtomicReference<ConfigSummary> summary = new AtomicReference<>();
  private final AtomicReference<ConfigClientState> client =
      new AtomicReference<>(new ConfigClientState("127.0.0.1:18000", false, false, "", 0, ""));
  private final HttpClient http = HttpClient.newHttpClient();
  private AdminServer admin;

  @AfterEach
  void close() {
    if (admin != null) {
      admin.close();
    }
    http.close();
  }

  @Test
  void configIs503JsonBeforeFirstSnapshot() throws Exception {
    admin = start();

    HttpResponse<String> response = get("/config");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"no configuration applied yet\",\"controller\":{\"address\":"
                + "\"127.0.0.1:18000\",\"connected\":false,\"appliedVersion\":\"\","
                + "\"appliedGeneration\":0,\"lastError\":\"\"}}\n");
  }

  @Test
  void configShowsVersionNamesAndConnectionButNoKeyMaterial() throws Exception {
    admin = start();
    summary.set(
        new ConfigSummary(
            "3f2a9c",
            12,
            List.of("https :8443 HTTPS certs=1"),
            List.of("shop.example.com PREFIX /cart -> default/cart:80"),
            List.of("default/cart:80 endpoints=2"),
            List.of("default/shop-tls")));
    client.set(
        new ConfigClientState("ctl:18000", true, true, "3f2a9c", 12, "NACK 4b1d: bad \"route\""));

    HttpResponse<String> response = get("/config");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("{\"version\":\"3f2a9c\",\"generation\":12,")
        .contains("\"listeners\":[\"https :8443 HTTPS certs=1\"]")
        .contains("\"routes\":[\"shop.example.com PREFIX /cart -> default/cart:80\"]")
        .contains("\"secrets\":[\"default/shop-tls\"]")
        .contains("\"connected\":true")
        .contains("\"lastError\":\"NACK 4b1d: bad \\\"route\\\"\"")
        .doesNotContain("PRIVATE KEY")
        .doesNotContain("BEGIN");
  }

  @Test
  void configShowsEndpointHealth() throws Exception {
    admin =
        AdminServer.start(
            "127.0.0.1",
            0,
            () -> Optional.ofNullable(summary.get()),
            client::get,
            () -> List.of("default/cart:80 10.0.0.1:8080 ejected for 2900 ms"),
            () -> "weir_requests_total{route=\"a\"} 3.0\n");
    summary.set(new ConfigSummary("v", 1, List.of(), List.of(), List.of(), List.of()));

    assertThat(get("/config").body())
        .contains("\"health\":[\"default/cart:80 10.0.0.1:8080 ejected for 2900 ms\"]");
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).isEqualTo("weir_requests_total{route=\"a\"} 3.0\n");
  }

  @Test
  void adminBindsLocalhostOnPortZero() throws Exception {
    admin = start();

    assertThat(admin.port()).isPositive();
    assertThat(admin.hostPort()).isEqualTo("127.0.0.1:" + admin.port());
  }

  private AdminServer start() throws Exception {
    return AdminServer.start("127.0.0.1", 0, () -> Optional.ofNullable(summary.get()), client::get);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
