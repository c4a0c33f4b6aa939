package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.direct;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.api.config.v1.Retry;
import dev.weir.dataplane.observe.AccessLogFormat;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.observe.TracingSettings;
import dev.weir.dataplane.plugin.FilterPlugins;
import dev.weir.testing.EchoServer;
import dev.weir.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Access logs of a running proxy in front of a real backend: every field of a forwarded request, a
 * direct response, a 404, a retried request and an upstream failure, parsed back with Jackson; the
 * text format through the real {@code weir.access} logger; and a stuck log sink, which costs lines
 * (counted exactly) but never a request's latency.
 */
class ProxyAccessLogIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private EchoServer backend;
  private ProxyRuntime runtime;
  private int port;
  private int deadPort;

  /** Starts the backend and a proxy whose access log goes to {@code sink}. */
  private void start(Telemetry telemetry) throws Exception {
    backend = EchoServer.start("shop");
    runtime =
        ProxyRuntime.start(
            ProxySettings.defaults().withBindAddress("127.0.0.1"),
            Duration.ofHours(1),
            FilterPlugins.none(),
            telemetry);
    port = Snapshots.freePort();
    deadPort = Snapshots.freePort();
    runtime
        .applier()
        .apply(
            Snapshots.snapshot()
                .addListeners(http("gateway/80", port, "rt"))
                .addRouteTables(
                    Snapshots.table(
                        "rt",
                        Snapshots.vhost(
                            "any",
                            List.of("*"),
                            prefix("httproute/default/shop/r0/m0", "/shop", "default/shop:80"),
                            prefix("httproute/default/flaky/r0/m0", "/status", "default/shop:80")
                                .toBuilder()
                                .setRetry(Retry.newBuilder().setAttempts(2).addCodes(503))
                                .build(),
                            prefix("httproute/default/gone/r0/m0", "/gone", "default/gone:80"),
                            direct("httproute/default/tea/r0/m0", "/tea", 418, "short and stout"))))
                .addClusters(cluster("default/shop:80", backend.port()))
                .addClusters(cluster("default/gone:80", deadPort))
                .build());
  }

  @AfterEach
  void stop() {
    client.close();
    if (runtime != null) {
      runtime.close();
      runtime.telemetry().close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void everyFieldOfEveryKindOfExchangeIsLogged() throws Exception {
    start(Telemetry.create(AccessLogFormat.JSON, 64, lines::add, TracingSettings.OFF));
    Instant before = Instant.now().minusMillis(1);

    HttpResponse<String> posted =
        client.send(
            request("/shop/cart?access_token=secret")
                .header("Authorization", "Bearer hunter2")
                .header("Cookie", "session=hunter3")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(200);
    JsonNode shop = next(1);
    assertThat(shop.get("request_id").asText())
        .isEqualTo(posted.headers().firstValue("x-request-id").orElseThrow());
    assertThat(Instant.parse(shop.get("time").asText())).isBetween(before, Instant.now());
    assertThat(shop.get("time").asText()).matches(TIME);
    assertThat(shop.get("client").asText()).isEqualTo("127.0.0.1");
    assertThat(shop.get("method").asText()).isEqualTo("POST");
    assertThat(shop.get("authority").asText()).isEqualTo("127.0.0.1:" + port);
    assertThat(shop.get("path").asText()).isEqualTo("/shop/cart");
    assertThat(shop.get("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(shop.get("status").asInt()).isEqualTo(200);
    assertThat(shop.get("request_bytes").asLong()).isEqualTo(100);
    assertThat(shop.get("response_bytes").asLong()).isEqualTo(posted.body().length());
    assertThat(shop.get("duration_ms").asDouble()).isPositive();
    assertThat(shop.get("upstream_ms").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(shop.get("duration_ms").asDouble());
    assertThat(shop.get("ttfb_ms").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(shop.get("duration_ms").asDouble());
    assertThat(shop.get("route").asText()).isEqualTo("httproute/default/shop/r0/m0");
    assertThat(shop.get("backend").asText()).isEqualTo("default/shop:80");
    assertThat(shop.get("endpoint").asText()).isEqualTo("127.0.0.1:" + backend.port());
    assertThat(shop.get("retries").asInt()).isZero();
    assertThat(shop.get("listener").asText()).isEqualTo("gateway/80");
    assertThat(shop.has("error")).isFalse();
    assertThat(shop.has("trace_id")).isFalse();
    // Neither the query nor any credential header is ever written.
    assertThat(lines.get(0)).doesNotContain("secret").doesNotContain("hunter");

    assertThat(get("/tea").statusCode()).isEqualTo(418);
    JsonNode tea = next(2);
    assertThat(tea.get("status").asInt()).isEqualTo(418);
    assertThat(tea.get("route").asText()).isEqualTo("httproute/default/tea/r0/m0");
    assertThat(tea.get("response_bytes").asLong()).isEqualTo("short and stout".length());
    assertThat(tea.get("ttfb_ms").asDouble()).isPositive();
    for (String absent : List.of("backend", "endpoint", "upstream_ms", "error")) {
      assertThat(tea.has(absent)).as(absent).isFalse();
    }

    assertThat(get("/elsewhere").statusCode()).isEqualTo(404);
    JsonNode notFound = next(3);
    assertThat(notFound.get("status").asInt()).isEqualTo(404);
    assertThat(notFound.get("error").asText()).isEqualTo("NO_ROUTE");
    assertThat(notFound.get("path").asText()).isEqualTo("/elsewhere");
    assertThat(notFound.has("route")).isFalse();

    assertThat(get("/status/503").statusCode()).isEqualTo(503);
    JsonNode retried = next(4);
    assertThat(retried.get("status").asInt()).isEqualTo(503);
    assertThat(retried.get("retries").asInt()).isEqualTo(1);
    assertThat(retried.get("route").asText()).isEqualTo("httproute/default/flaky/r0/m0");
    assertThat(retried.get("endpoint").asText()).isEqualTo("127.0.0.1:" + backend.port());
    assertThat(retried.has("error")).isFalse();

    assertThat(get("/gone").statusCode()).isEqualTo(502);
    JsonNode failed = next(5);
    assertThat(failed.get("status").asInt()).isEqualTo(502);
    assertThat(failed.get("error").asText()).isEqualTo("CONNECT_FAILED");
    assertThat(failed.get("backend").asText()).isEqualTo("default/gone:80");
    assertThat(failed.get("endpoint").asText()).isEqualTo("127.0.0.1:" + deadPort);
    assertThat(failed.has("upstream_ms")).isFalse();

    // The odd characters a request target may carry arrive escaped, in one valid JSON line.
    assertThat(get("/shop/it's;a=b%22%0A%5C").statusCode()).isEqualTo(200);
    JsonNode odd = next(6);
    assertThat(odd.get("path").asText()).isEqualTo("/shop/it's;a=b%22%0A%5C");

    PrometheusText text = PrometheusText.parse(runtime.telemetry().scrape());
    assertThat(text.sum("weir_access_log_lines_total", Map.of())).isEqualTo(6);
    assertThat(text.sum("weir_access_log_dropped_total", Map.of())).isZero();
  }

  @Test
  void textLinesGoToTheAccessLogger() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(Telemetry.ACCESS_LOGGER);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      start(Telemetry.create(AccessLogFormat.TEXT, TracingSettings.OFF));
      HttpResponse<String> response = get("/shop/a");
      assertThat(response.statusCode()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(5)).until(() -> appender.list.size() == 1);
      String line = appender.list.get(0).getFormattedMessage();
      assertThat(line)
          .matches(
              "127\\.0\\.0\\.1 - - \\["
                  + TIME.pattern()
                  + "\\] \"GET /shop/a HTTP/1\\.1\" 200 "
                  + response.body().length()
                  + " \"127\\.0\\.0\\.1:"
                  + port
                  + "\" request_id=\\S+ route=httproute/default/shop/r0/m0"
                  + " backend=default/shop:80 endpoint=127\\.0\\.0\\.1:"
                  + backend.port()
                  + " duration_ms=\\d+\\.\\d{3} upstream_ms=\\d+\\.\\d{3} ttfb_ms=\\d+\\.\\d{3}"
                  + " request_bytes=0 retries=0 error=- listener=gateway/80 trace_id=-");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aStuckSinkDropsCountedLinesAndNeverDelaysRequests() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    Consumer<String> stuck =
        line -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          written.add(line);
        };
    start(Telemetry.create(AccessLogFormat.JSON, 4, stuck, TracingSettings.OFF));
    int requests = 40;
    for (int i = 0; i < requests; i++) {
      long begin = System.nanoTime();
      assertThat(get("/shop/" + i).statusCode()).isEqualTo(200);
      // The writer is stuck for the whole loop; requests go on at their usual pace.
      assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(2));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> scrape().sum("weir_access_log_lines_total", Map.of()) == requests);
    // At most the queue (4) and the line in the writer's hand got through; the rest was dropped.
    double dropped = scrape().sum("weir_access_log_dropped_total", Map.of());
    assertThat(dropped).isGreaterThanOrEqualTo(requests - 5);
    assertThat(written).isEmpty();

    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() + dropped == requests);
    // The count is exact: what was not dropped was written, nothing more.
    assertThat(written.size() + scrape().sum("weir_access_log_dropped_total", Map.of()))
        .isEqualTo(requests);
    assertThat(JSON.readTree(written.get(0)).get("path").asText()).isEqualTo("/shop/0");
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(runtime.telemetry().scrape());
  }

  /** The {@code n}th line (from 1), once written, as JSON. */
  private JsonNode next(int n) throws Exception {
    await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() >= n);
    assertThat(lines).hasSize(n);
    String line = lines.get(n - 1);
    assertThat(line).doesNotContain("\n");
    return JSON.readTree(line);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }
}
