package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.FaultInjection;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Header;
import dev.weir.api.config.v1.HeaderModifier;
import dev.weir.api.config.v1.IpAccess;
import dev.weir.api.config.v1.LocalRateLimit;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.RouteFilters;
import dev.weir.api.config.v1.SecurityHeaders;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Traffic filters (IP access, local rate limit, security headers, fault injection) through the real
 * proxy with a real backend, each over HTTP/1.1 and h2c (prior knowledge), with curl as the client.
 */
class ProxyTrafficFiltersIT {

  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() {
    backend = EchoServer.start("alpha");
    proxy = new ProxyFixture();
    port = freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  private void serve(Route... routes) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("vh", List.of("*"), routes)))
            .addClusters(cluster("alpha", backend.port()))
            .build());
  }

  static Route route(String name, String prefix, RouteFilters.Builder filters) {
    return Route.newBuilder()
        .setName(name)
        .setSource("HTTPRoute default/" + name)
        .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue(prefix))
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster("alpha").setWeight(1)))
        .setFilters(filters)
        .build();
  }

  /** A response as curl saw it: status, header lines (lower-case names) and total seconds. */
  record Reply(int status, List<String> headers, String body, double seconds) {
    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return headers.stream()
          .filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(h -> h.substring(prefix.length()).trim())
          .findFirst()
          .orElse(null);
    }
  }

  private Reply curl(String protocol, String path, String... headers) throws Exception {
    return curl(port, protocol, path, headers);
  }

  /** One request with curl over HTTP/1.1 or h2c (prior knowledge) to 127.0.0.1:{@code port}. */
  static Reply curl(int port, String protocol, String path, String... headers) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "curl",
            "-s",
            "-i",
            "--max-time",
            "10",
            protocol.equals("h2c") ? "--http2-prior-knowledge" : "--http1.1"));
    for (String h : headers) {
      cmd.add("-H");
      cmd.add(h);
    }
    cmd.addAll(List.of("-w", "\n#%{http_code} %{time_total}", "http://127.0.0.1:" + port + path));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    int mark = text.lastIndexOf("\n#");
    String[] tail = text.substring(mark + 2).trim().split(" ");
    String[] parts = text.substring(0, mark).split("\r\n\r\n", 2);
    List<String> lines = List.of(parts[0].split("\r\n"));
    return new Reply(
        Integer.parseInt(tail[0]),
        lines.subList(1, lines.size()),
        parts.length > 1 ? parts[1] : "",
        Double.parseDouble(tail[1]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void deniedClientGets403AndTheBackendSeesNothing(String protocol) throws Exception {
    serve(
        route(
            "deny",
            "/",
            RouteFilters.newBuilder()
                .setIpAccess(IpAccess.newBuilder().addDeny("127.0.0.0/8").addDeny("::1"))));
    Reply r = curl(protocol, "/x");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("x-request-id")).isNotEmpty();
    assertThat(backend.requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void allowListLetsItsClientsThrough(String protocol) throws Exception {
    serve(
        route(
            "allow",
            "/",
            RouteFilters.newBuilder().setIpAccess(IpAccess.newBuilder().addAllow("127.0.0.1/32"))));
    assertThat(curl(protocol, "/x").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void fourthRequestIsLimitedThenPassesAfterRefill(String protocol) throws Exception {
    serve(
        route(
            "limited",
            "/",
            RouteFilters.newBuilder()
                .setRateLimit(
                    LocalRateLimit.newBuilder()
                        .setRequests(3)
                        .setFillIntervalMs(1000)
                        .setRoute(true))));
    for (int i = 0; i < 3; i++) {
      Reply ok = curl(protocol, "/x");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("ratelimit")).startsWith("\"local\";r=");
    }
    Reply limited = curl(protocol, "/x");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("retry-after")).isEqualTo("1");
    assertThat(limited.header("ratelimit-policy")).isEqualTo("\"local\";q=3;w=1");
    assertThat(limited.header("ratelimit")).startsWith("\"local\";r=0;t=");
    assertThat(backend.requests()).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> curl(protocol, "/x").status() == 200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void headerBucketsAreIndependent(String protocol) throws Exception {
    serve(
        route(
            "tenants",
            "/",
            RouteFilters.newBuilder()
                .setRateLimit(
                    LocalRateLimit.newBuilder()
                        .setRequests(1)
                        .setFillIntervalMs(60_000)
                        .setHeader("X-Tenant"))));
    assertThat(curl(protocol, "/x", "x-tenant: a").status()).isEqualTo(200);
    assertThat(curl(protocol, "/x", "x-tenant: a").status()).isEqualTo(429);
    assertThat(curl(protocol, "/x", "x-tenant: b").status()).isEqualTo(200);
    // Requests without the header share one bucket of their own.
    assertThat(curl(protocol, "/x").status()).isEqualTo(200);
    assertThat(curl(protocol, "/x").status()).isEqualTo(429);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void securityHeadersAreSetAndServerHeadersRemoved(String protocol) throws Exception {
    Route r =
        route(
                "secure",
                "/",
                RouteFilters.newBuilder()
                    .setSecurityHeaders(
                        SecurityHeaders.newBuilder()
                            .setStrictTransportSecurity("max-age=60")
                            .setContentTypeNosniff(true)
                            .setFrameOptions("DENY")
                            .setContentSecurityPolicy("default-src 'self'")
                            .setReferrerPolicy("no-referrer")
                            .setRemoveServerHeaders(true)))
            .toBuilder()
            // The backend "sends" these; the security filter runs after the modifier on the way
            // down and removes them.
            .setResponseHeaders(
                HeaderModifier.newBuilder()
                    .addSet(Header.newBuilder().setName("server").setValue("echo/1"))
                    .addSet(Header.newBuilder().setName("x-powered-by").setValue("netty")))
            .build();
    serve(r);
    Reply reply = curl(protocol, "/x");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(reply.header("x-frame-options")).isEqualTo("DENY");
    assertThat(reply.header("content-security-policy")).isEqualTo("default-src 'self'");
    assertThat(reply.header("referrer-policy")).isEqualTo("no-referrer");
    assertThat(reply.header("server")).isNull();
    assertThat(reply.header("x-powered-by")).isNull();
    // RFC 6797 §7.2: no HSTS over plain HTTP.
    assertThat(reply.header("strict-transport-security")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void abortAnswersWithoutContactingTheBackend(String protocol) throws Exception {
    serve(
        route(
            "abort",
            "/",
            RouteFilters.newBuilder()
                .setFault(
                    FaultInjection.newBuilder()
                        .setAbortStatus(503)
                        .setAbortPerMillion(1_000_000))));
    for (int i = 0; i < 3; i++) {
      assertThat(curl(protocol, "/x").status()).isEqualTo(503);
    }
    assertThat(backend.requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2c"})
  void delayWaitsWithoutBlockingTheEventLoop(String protocol) throws Exception {
    serve(
        route(
            "slow",
            "/slow",
            RouteFilters.newBuilder()
                .setFault(
                    FaultInjection.newBuilder().setDelayMs(300).setDelayPerMillion(1_000_000))),
        route("fast", "/", RouteFilters.newBuilder()));
    CompletableFuture<Reply> delayed =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return curl(protocol, "/slow/0");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // Fast requests on new connections (landing on both of the proxy's event loops, one of them
    // the delayed one's) are served at once while the delayed request waits.
    int servedMeanwhile = 0;
    while (!delayed.isDone()) {
      Reply fast = curl(protocol, "/fast");
      assertThat(fast.status()).isEqualTo(200);
      assertThat(fast.seconds()).isLessThan(0.25);
      if (!delayed.isDone()) {
        servedMeanwhile++;
      }
    }
    assertThat(servedMeanwhile).isGreaterThanOrEqualTo(2);
    Reply slow = delayed.get(10, TimeUnit.SECONDS);
    assertThat(slow.status()).isEqualTo(200);
    assertThat(slow.seconds()).isGreaterThanOrEqualTo(0.3);
  }
}
