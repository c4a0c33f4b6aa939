package dev.weir.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the Debian package's {@code prometheus} binary) as a child process,
 * scraping the given targets every second into a throw-away TSDB, and queried through its HTTP API.
 * Not thread-safe: owned by one test.
 */
final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One query's outcome: the number of series, or the error Prometheus gave. */
  record Result(int series, String error) {

    boolean empty() {
      return series == 0;
    }
  }

  private PrometheusServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts Prometheus in {@code dir} scraping, for each job, {@code http://TARGET/metrics} every
   * second; returns once it answers {@code /-/ready}.
   *
   * @param targets job name → {@code host:port}
   */
  static PrometheusServer start(Path dir, Map<String, String> targets) throws IOException {
    String binary = binary();
    Files.createDirectories(dir);
    StringBuilder config =
        new StringBuilder(
            """
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            scrape_configs:
            """);
    targets.forEach(
        (job, target) ->
            config.append(
                """
                - job_name: %s
                  metrics_path: /metrics
                  static_configs:
                  - targets: ['%s']
                """
                    .formatted(job, target)));
    Path yml = dir.resolve("prometheus.yml");
    Files.writeString(yml, config);
    int port = WeirStack.freePort();
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                binary,
                "--config.file=" + yml,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, log, port);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .failFast("prometheus exited; see " + log, () -> !p.isAlive())
        .until(() -> WeirStack.status(server.client, server.url("/-/ready")) == 200);
    return server;
  }

  /** The {@code prometheus} binary on the PATH (or Debian's path); fails clearly without it. */
  private static String binary() {
    List<String> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      candidates.add(dir + "/prometheus");
    }
    candidates.add("/usr/bin/prometheus");
    return candidates.stream()
        .filter(c -> Files.isExecutable(Path.of(c)))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "prometheus is not installed: the dashboard test needs a real Prometheus"
                        + " (Debian: apt-get install prometheus; .ci/run installs it)"));
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url(pathAndQuery)))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /**
   * Waits until every target was scraped more than {@code gap} after {@code since}. (Prometheus
   * applies new targets up to 5 s after it starts, so the first wait is the longest.)
   */
  void awaitScrapedAfter(Instant since, Duration gap) {
    Instant after = since.plus(gap);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonNode active = get("/api/v1/targets").path("data").path("activeTargets");
              boolean all = !active.isEmpty();
              for (JsonNode t : active) {
                String last = t.path("lastScrape").asText();
                all &= !last.isEmpty() && OffsetDateTime.parse(last).toInstant().isAfter(after);
              }
              return all;
            });
  }

  /** Each target's job and health, with the last scrape error when it is not up. */
  List<String> unhealthyTargets() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (JsonNode t : get("/api/v1/targets").path("data").path("activeTargets")) {
      if (!t.path("health").asText().equals("up")) {
        out.add(
            t.path("labels").path("job").asText()
                + " is "
                + t.path("health").asText()
                + ": "
                + t.path("lastError").asText());
      }
    }
    return out;
  }

  /** An instant query evaluated now. */
  Result query(String promql) throws IOException, InterruptedException {
    return result(get("/api/v1/query?query=" + encode(promql)), "result");
  }

  /**
   * The values of {@code label} on the series {@code selector} selects (Grafana's label_values).
   */
  Result labelValues(String selector, String label) throws IOException, InterruptedException {
    return result(
        get("/api/v1/label/" + encode(label) + "/values?match[]=" + encode(selector)), null);
  }

  private static Result result(JsonNode body, String field) {
    if (!body.path("status").asText().equals("success")) {
      return new Result(0, body.path("errorType").asText() + ": " + body.path("error").asText());
    }
    JsonNode data = field == null ? body.path("data") : body.path("data").path(field);
    return new Result(data.size(), null);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "prometheus on 127.0.0.1:" + port + " (" + log + ")";
  }

  /** Stops Prometheus (SIGTERM, then SIGKILL after 10 s) and waits for it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
