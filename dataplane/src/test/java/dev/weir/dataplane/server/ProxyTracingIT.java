package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.OtlpReceiver.CLIENT;
import static dev.weir.dataplane.server.OtlpReceiver.SERVER;
import static dev.weir.dataplane.server.OtlpReceiver.STATUS_ERROR;
import static dev.weir.dataplane.server.OtlpReceiver.STATUS_UNSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Retry;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.dataplane.observe.AccessLogFormat;
import dev.weir.dataplane.observe.Telemetry;
import dev.weir.dataplane.observe.TracingSettings;
import dev.weir.dataplane.server.OtlpReceiver.ReceivedSpan;
import dev.weir.testing.EchoServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing through a real proxy to a local OTLP/HTTP receiver: the client's W3C trace context is
 * continued, each upstream attempt is a CLIENT span whose context the upstream receives, retries
 * show under one SERVER span, and sampled-out traces are exported never but propagated still.
 */
class ProxyTracingIT {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";
  private static final Pattern UPSTREAM_TRACEPARENT =
      Pattern.compile("header traceparent: 00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})\n");

  private OtlpReceiver receiver;
  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;
  private int deadPort;
  private final List<String> accessLog = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    receiver = new OtlpReceiver();
    backend = EchoServer.start("shop");
    deadPort = Snapshots.freePort();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    backend.close();
    receiver.close();
  }

  /** A proxy that exports to the receiver every 50 ms, sampling {@code ratio} of new traces. */
  private void startProxy(double ratio) throws Exception {
    proxy =
        new ProxyFixture(
            Telemetry.create(
                AccessLogFormat.JSON,
                64,
                accessLog::add,
                new TracingSettings(
                    Optional.of(receiver.endpoint()), ratio, Duration.ofMillis(50))));
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
                        retried("httproute/default/flaky/r0/m0", "/status", "default/shop:80"),
                        Snapshots.prefix("httproute/default/gone/r0/m0", "/gone", "dead"))))
            .addClusters(Snapshots.cluster("default/shop:80", backend.port()))
            .addClusters(Snapshots.cluster("dead", deadPort))
            .build());
  }

  /** A route whose 503s are tried once more. */
  private static Route retried(String name, String path, String cluster) {
    return Route.newBuilder()
        .setName(name)
        .setSource("HTTPRoute default/flaky")
        .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue(path))
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1)))
        .setRetry(Retry.newBuilder().setAttempts(2).setBackoffMs(0).addCodes(503))
        .build();
  }

  @Test
  void incomingTraceContextIsContinuedAndTheUpstreamSeesTheClientSpan() throws Exception {
    startProxy(1.0);
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/shop/item?secret=1"))
                .header("traceparent", "00-" + TRACE + "-" + PARENT + "-01")
                .header("tracestate", "vendor=abc")
                .header("baggage", "user=alice")
                .header("User-Agent", "tracing-test"));
    assertThat(response.statusCode()).isEqualTo(200);

    // The upstream got one traceparent, of the same trace, whose parent is the proxy's span.
    Matcher up = UPSTREAM_TRACEPARENT.matcher(response.body());
    assertThat(up.find()).isTrue();
    assertThat(up.group(1)).isEqualTo(TRACE);
    String upstreamParent = up.group(2);
    assertThat(upstreamParent).isNotEqualTo(PARENT);
    assertThat(up.group(3)).isEqualTo("01");
    assertThat(up.find()).isFalse();
    assertThat(response.body())
        .contains("header tracestate: vendor=abc\n")
        .contains("header baggage: user=alice\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(TRACE).size() == 2);
    ReceivedSpan server = only(receiver.trace(TRACE), SERVER);
    ReceivedSpan client = only(receiver.trace(TRACE), CLIENT);

    assertThat(server.parentSpanId()).isEqualTo(PARENT);
    assertThat(server.traceState()).isEqualTo("vendor=abc");
    assertThat(server.name()).isEqualTo("GET httproute/default/shop");
    assertThat(server.service()).isEqualTo("weir-dataplane");
    assertThat(server.statusCode()).isEqualTo(STATUS_UNSET);
    assertThat(server.attributes())
        .containsEntry("http.request.method", "GET")
        .containsEntry("http.route", "httproute/default/shop")
        .containsEntry("http.response.status_code", 200L)
        .containsEntry("url.path", "/shop/item")
        .containsEntry("url.scheme", "http")
        .containsEntry("server.address", "127.0.0.1")
        .containsEntry("server.port", (long) port)
        .containsEntry("network.protocol.version", "1.1")
        .containsEntry("client.address", "127.0.0.1")
        .containsEntry("user_agent.original", "tracing-test")
        .containsEntry("weir.listener", "gateway/80")
        .doesNotContainKey("error.type");

    assertThat(client.parentSpanId()).isEqualTo(server.spanId());
    assertThat(client.spanId()).isEqualTo(upstreamParent);
    assertThat(client.name()).isEqualTo("GET");
    assertThat(client.attributes())
        .containsEntry("http.request.method", "GET")
        .containsEntry("server.address", "127.0.0.1")
        .containsEntry("server.port", (long) backend.port())
        .containsEntry("url.full", "http://127.0.0.1:" + backend.port() + "/shop/item")
        .containsEntry("weir.backend", "default/shop:80")
        .containsEntry("http.response.status_code", 200L)
        .doesNotContainKey("http.request.resend_count");
    assertThat(receiver.contentTypes()).allMatch("application/x-protobuf"::equals);
    // The access log names the trace.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> accessLog.stream().anyMatch(l -> l.contains("\"trace_id\":\"" + TRACE + "\"")));
    // The SDK is the proxy's own: nothing was made global.
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void retriedAttemptsAreClientSpansOfOneServerSpan() throws Exception {
    startProxy(1.0);
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/status/503")));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(backend.requests()).isEqualTo(2);
    String trace = traceOf(response);

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(trace).size() == 3);
    List<ReceivedSpan> spans = receiver.trace(trace);
    ReceivedSpan server = only(spans, SERVER);
    List<ReceivedSpan> attempts = spans.stream().filter(s -> s.kind() == CLIENT).toList();
    assertThat(attempts).hasSize(2).allMatch(s -> s.parentSpanId().equals(server.spanId()));
    // A new trace: no parent.
    assertThat(server.parentSpanId()).isEmpty();
    assertThat(server.name()).isEqualTo("GET httproute/default/flaky");
    assertThat(server.statusCode()).isEqualTo(STATUS_ERROR);
    assertThat(server.attributes())
        .containsEntry("http.response.status_code", 503L)
        .containsEntry("error.type", "503");

    ReceivedSpan first = attempt(attempts, false);
    ReceivedSpan second = attempt(attempts, true);
    assertThat(first.statusCode()).isEqualTo(STATUS_ERROR);
    assertThat(first.attributes()).containsEntry("error.type", "retried");
    assertThat(second.attributes())
        .containsEntry("http.request.resend_count", 1L)
        .containsEntry("http.response.status_code", 503L)
        .containsEntry("error.type", "503");
    // The upstream saw the last attempt's span as its parent.
    assertThat(response.body()).contains("-" + second.spanId() + "-");
  }

  @Test
  void proxyAnswersAndFailuresAreServerSpansWithTheirStatus() throws Exception {
    startProxy(1.0);
    HttpResponse<String> missing =
        send(
            HttpRequest.newBuilder(uri("/nowhere"))
                .method("BREW", HttpRequest.BodyPublishers.noBody()));
    assertThat(missing.statusCode()).isEqualTo(404);
    HttpResponse<String> gone =
        send(HttpRequest.newBuilder(uri("/gone")).POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(gone.statusCode()).isEqualTo(502);

    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().size() == 2);
    ReceivedSpan notFound =
        receiver.spans().stream().filter(s -> s.name().equals("HTTP")).findFirst().orElseThrow();
    // A 4xx is the client's error, not the server's; no route, so no http.route.
    assertThat(notFound.kind()).isEqualTo(SERVER);
    assertThat(notFound.statusCode()).isEqualTo(STATUS_UNSET);
    assertThat(notFound.attributes())
        .containsEntry("http.request.method", "_OTHER")
        .containsEntry("http.request.method_original", "BREW")
        .containsEntry("http.response.status_code", 404L)
        .doesNotContainKey("http.route");

    ReceivedSpan failed =
        receiver.spans().stream()
            .filter(s -> s.name().equals("POST httproute/default/gone"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.statusCode()).isEqualTo(STATUS_ERROR);
    assertThat(failed.attributes())
        .containsEntry("http.request.method", "POST")
        .containsEntry("http.response.status_code", 502L)
        .containsEntry("error.type", "connect_failed");
  }

  @Test
  void sampledOutTracesAreNotExportedButStillPropagated() throws Exception {
    startProxy(0.0);
    HttpResponse<String> unsampled = send(HttpRequest.newBuilder(uri("/shop/a")));
    Matcher up = UPSTREAM_TRACEPARENT.matcher(unsampled.body());
    assertThat(up.find()).isTrue();
    // W3C Trace Context: bit 0 of the flags is "sampled" (bit 1 marks a random trace id).
    assertThat(Integer.parseInt(up.group(3), 16) & 1).isZero();
    String unsampledTrace = up.group(1);
    assertThat(unsampledTrace).isNotEqualTo("0".repeat(32));

    // A sampled parent is followed (parent-based), so this trace is exported; spans end in
    // order, so once it arrived, the first exchange's spans would have too.
    HttpResponse<String> sampled =
        send(
            HttpRequest.newBuilder(uri("/shop/b"))
                .header("traceparent", "00-" + TRACE + "-" + PARENT + "-01"));
    assertThat(sampled.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.trace(TRACE).size() == 2);
    assertThat(receiver.trace(unsampledTrace)).isEmpty();
    assertThat(receiver.spans()).hasSize(2);
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, int kind) {
    List<ReceivedSpan> of = spans.stream().filter(s -> s.kind() == kind).toList();
    assertThat(of).hasSize(1);
    return of.getFirst();
  }

  private static ReceivedSpan attempt(List<ReceivedSpan> attempts, boolean resent) {
    return attempts.stream()
        .filter(s -> s.attributes().containsKey("http.request.resend_count") == resent)
        .findFirst()
        .orElseThrow();
  }

  /** The trace id the upstream received (the echo shows the request headers). */
  private static String traceOf(HttpResponse<String> response) {
    Matcher m = UPSTREAM_TRACEPARENT.matcher(response.body());
    assertThat(m.find()).as(response.body()).isTrue();
    return m.group(1);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return proxy.client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
