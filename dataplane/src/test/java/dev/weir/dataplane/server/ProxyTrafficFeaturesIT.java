package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.Cors;
import dev.weir.api.config.v1.ForwardAction;
import dev.weir.api.config.v1.Mirror;
import dev.weir.api.config.v1.PathMatch;
import dev.weir.api.config.v1.Retry;
import dev.weir.api.config.v1.Route;
import dev.weir.api.config.v1.WeightedBackend;
import dev.weir.testing.EchoServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Error backends, retries, mirrors and CORS through a real proxy and real backends. */
class ProxyTrafficFeaturesIT {

  private EchoServer alpha;
  private EchoServer beta;
  private ProxyFixture proxy;
  private int port;
  private int deadPort;

  @BeforeEach
  void start() {
    alpha = EchoServer.start("alpha");
    beta = EchoServer.start("beta");
    proxy = new ProxyFixture();
    port = freePort();
    deadPort = freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    alpha.close();
    beta.close();
  }

  private void serve(Route route) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("vh", List.of("*"), route)))
            .addClusters(cluster("alpha", alpha.port()))
            .addClusters(cluster("beta", beta.port()))
            .addClusters(cluster("dead-then-alpha", deadPort, alpha.port()))
            .addClusters(cluster("dead", deadPort))
            .build());
  }

  private static Route.Builder route(String cluster) {
    return Route.newBuilder()
        .setName("r")
        .setSource("HTTPRoute default/r")
        .setPath(PathMatch.newBuilder().setKind(PathMatch.Kind.PREFIX).setValue("/"))
        .setForward(
            ForwardAction.newBuilder()
                .addBackends(WeightedBackend.newBuilder().setCluster(cluster).setWeight(1)));
  }

  private static Retry.Builder retry(int attempts, int backoffMs, int... codes) {
    Retry.Builder r = Retry.newBuilder().setAttempts(attempts).setBackoffMs(backoffMs);
    for (int c : codes) {
      r.addCodes(c);
    }
    return r;
  }

  private RawHttp.Response send(String request) throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(request);
      return c.read();
    }
  }

  @Test
  void errorBackendTakesItsShareAndIsAnsweredWithItsStatus() throws Exception {
    serve(
        route("alpha")
            .setForward(
                ForwardAction.newBuilder()
                    .addBackends(WeightedBackend.newBuilder().setCluster("alpha").setWeight(1))
                    .addBackends(WeightedBackend.newBuilder().setErrorStatus(500).setWeight(1)))
            .build());
    int ok = 0;
    int errors = 0;
    String errorBody = null;
    String errorId = null;
    for (int i = 0; i < 400; i++) {
      HttpResponse<String> r = proxy.get(port, "/x");
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertThat(r.statusCode()).isEqualTo(500);
        errors++;
        errorBody = r.body();
        errorId = r.headers().firstValue("x-request-id").orElse(null);
      }
    }
    // Binomial(400, 0.5): sd = 10; 60 is 6 sd.
    assertThat(ok).isBetween(140, 260);
    assertThat(ok + errors).isEqualTo(400);
    assertThat(alpha.requests()).isEqualTo(ok);
    assertThat(errorId).isNotEmpty();
    assertThat(errorBody).startsWith("500 Internal Server Error").contains(errorId);
  }

  @Test
  void listedStatusIsRetriedUpToAttemptsThenReturned() throws Exception {
    serve(route("alpha").setRetry(retry(3, 0, 503)).build());
    HttpResponse<String> r = proxy.get(port, "/status/503");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("backend=alpha");
    assertThat(alpha.requests()).isEqualTo(3);
    // A status that is not listed is answered at once.
    assertThat(proxy.get(port, "/status/500").statusCode()).isEqualTo(500);
    assertThat(alpha.requests()).isEqualTo(4);
  }

  @Test
  void retryAfterConnectFailureLandsOnTheLiveEndpoint() throws Exception {
    serve(route("dead-then-alpha").setRetry(retry(2, 0)).build());
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = proxy.get(port, "/x");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("backend=alpha");
    }
  }

  @Test
  void connectFailuresExhaustTheAttemptsAndAnswer502() throws Exception {
    serve(route("dead").setRetry(retry(3, 0)).build());
    assertThat(proxy.get(port, "/x").statusCode()).isEqualTo(502);
  }

  @Test
  void backoffIsWaitedBeforeEachRetry() throws Exception {
    serve(route("alpha").setRetry(retry(3, 150, 503)).build());
    long start = System.nanoTime();
    assertThat(proxy.get(port, "/status/503").statusCode()).isEqualTo(503);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(2 * 150);
    assertThat(alpha.requests()).isEqualTo(3);
  }

  @Test
  void requestWhoseBodyWasStreamedIsNotRetried() throws Exception {
    serve(route("alpha").setRetry(retry(3, 0, 503)).build());
    RawHttp.Response r =
        send(
            "POST /status/503 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).contains("hello");
    assertThat(alpha.requests()).isEqualTo(1);
  }

  @Test
  void mirrorGetsEveryRequestWhileTheClientGetsThePrimary() throws Exception {
    serve(
        route("alpha")
            .addMirrors(Mirror.newBuilder().setCluster("beta").setNumerator(1).setDenominator(1))
            .build());
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = proxy.get(port, "/m?i=" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-backend")).hasValue("alpha");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> beta.requests() == 20);
    assertThat(alpha.requests()).isEqualTo(20);
  }

  @Test
  void deadMirrorDoesNotAffectTheClient() throws Exception {
    serve(route("alpha").addMirrors(Mirror.newBuilder().setCluster("dead")).build());
    long start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = proxy.get(port, "/x");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("backend=alpha");
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void halfMirrorLandsNearHalf() throws Exception {
    serve(
        route("alpha").addMirrors(Mirror.newBuilder().setCluster("beta").setNumerator(50)).build());
    for (int i = 0; i < 400; i++) {
      assertThat(proxy.get(port, "/x").statusCode()).isEqualTo(200);
    }
    // Binomial(400, 0.5): sd = 10; 60 is 6 sd. Held for a while, so late mirrors are counted.
    await()
        .atMost(Duration.ofSeconds(5))
        .during(Duration.ofMillis(300))
        .until(() -> beta.requests() >= 140 && beta.requests() <= 260);
  }

  private void serveCors(boolean credentials) throws Exception {
    serve(
        route("alpha")
            .setCors(
                Cors.newBuilder()
                    .addAllowOrigins("https://app.example.com")
                    .addAllowOrigins("https://*.example.org")
                    .addAllowMethods("GET")
                    .addAllowMethods("PUT")
                    .addAllowHeaders("*")
                    .addExposeHeaders("x-backend")
                    .setAllowCredentials(credentials)
                    .setMaxAgeSeconds(300))
            .build());
  }

  @Test
  void corsPreflightIsAnsweredWithoutTheBackend() throws Exception {
    serveCors(true);
    RawHttp.Response r =
        send(
            "OPTIONS /api HTTP/1.1\r\nHost: a\r\nOrigin: https://x.y.example.org\r\n"
                + "Access-Control-Request-Method: PUT\r\n"
                + "Access-Control-Request-Headers: x-one, content-type\r\n"
                + "Connection: close\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("access-control-allow-origin")).isEqualTo("https://x.y.example.org");
    assertThat(r.header("access-control-allow-methods")).isEqualTo("GET, PUT");
    assertThat(r.header("access-control-allow-headers")).isEqualTo("x-one, content-type");
    assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
    assertThat(r.header("access-control-max-age")).isEqualTo("300");
    assertThat(r.header("x-request-id")).isNotEmpty();
    assertThat(alpha.requests()).isZero();
  }

  @Test
  void corsActualRequestIsForwardedAndItsResponseGetsCorsHeaders() throws Exception {
    serveCors(false);
    RawHttp.Response r =
        send(
            "GET /api HTTP/1.1\r\nHost: a\r\nOrigin: https://app.example.com\r\n"
                + "Connection: close\r\n\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("backend=alpha");
    assertThat(r.header("access-control-allow-origin")).isEqualTo("https://app.example.com");
    assertThat(r.header("access-control-expose-headers")).isEqualTo("x-backend");
    assertThat(r.header("access-control-allow-credentials")).isNull();
    assertThat(r.header("vary")).isEqualToIgnoringCase("origin");
  }

  @Test
  void nonMatchingOriginGetsNoCorsHeaders() throws Exception {
    serveCors(true);
    RawHttp.Response preflight =
        send(
            "OPTIONS /api HTTP/1.1\r\nHost: a\r\nOrigin: https://evil.test\r\n"
                + "Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n");
    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    RawHttp.Response actual =
        send(
            "GET /api HTTP/1.1\r\nHost: a\r\nOrigin: https://evil.test\r\nConnection: close\r\n\r\n");
    assertThat(actual.status()).isEqualTo(200);
    assertThat(actual.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    assertThat(alpha.requests()).isEqualTo(1);
  }
}
