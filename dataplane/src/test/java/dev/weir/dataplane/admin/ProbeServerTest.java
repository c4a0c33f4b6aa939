package dev.weir.dataplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProbeServerTest {

  private final AtomicBoolean ready = new AtomicBoolean();
  private final HttpClient http = HttpClient.newHttpClient();
  private ProbeServer probe;

  @AfterEach
  void close() {
    if (probe != null) {
      probe.close();
    }
    http.close();
  }

  @Test
  void readyIs503BeforeFirstSnapshotAnd200After() throws Exception {
    probe = ProbeServer.start("127.0.0.1", 0, ready::get, () -> "weir_up 1\n");

    HttpResponse<String> before = get("/ready");
    ready.set(true);
    HttpResponse<String> after = get("/ready");

    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo("ready\n");
  }

  @Test
  void metricsAnswersThePrometheusTextEvenBeforeReady() throws Exception {
    probe = ProbeServer.start("127.0.0.1", 0, ready::get, () -> "weir_up 1\n");

    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).isEqualTo("weir_up 1\n");
  }

  @Test
  void healthzIs200EvenBeforeReady() throws Exception {
    probe = ProbeServer.start("127.0.0.1", 0, ready::get, () -> "weir_up 1\n");

    HttpResponse<String> health = get("/healthz");

    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathIs404AndPostIs405() throws Exception {
    probe = ProbeServer.start("127.0.0.1", 0, ready::get, () -> "weir_up 1\n");

    HttpResponse<String> unknown = get("/readyz");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri("/ready"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void portZeroBindsAFreePortAndReportsIt() throws Exception {
    probe = ProbeServer.start("127.0.0.1", 0, ready::get, () -> "weir_up 1\n");

    assertThat(probe.port()).isPositive();
    assertThat(probe.hostPort()).isEqualTo("127.0.0.1:" + probe.port());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + probe.port() + path);
  }
}
