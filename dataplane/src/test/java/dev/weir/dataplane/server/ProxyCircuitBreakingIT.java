package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.CircuitBreaker;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.Retry;
import dev.weir.api.config.v1.RetryBudget;
import dev.weir.api.config.v1.Route;
import dev.weir.dataplane.upstream.ClusterLoad;
import dev.weir.testing.GrpcClients;
import dev.weir.testing.GrpcEchoServer;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Circuit breaking per cluster (BackendPolicy {@code circuit_breaker} and {@code retry_budget}),
 * over real sockets to {@link GatedBackend}s: over a limit a request fails fast with a 503 marked
 * {@code x-weir-overloaded}, and the cluster's counts return to zero on every way an exchange ends.
 */
class ProxyCircuitBreakingIT {

  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() {
    proxy = new ProxyFixture();
    port = freePort();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  @Test
  void requestsOverMaxRequestsFailFastWith503Overloaded() throws Exception {
    try (GatedBackend backend = GatedBackend.heldOk()) {
      serve(cluster(backend, CircuitBreaker.newBuilder().setMaxRequests(2)));
      List<CompletableFuture<HttpResponse<String>>> held = sendAsync(2);
      await().until(() -> backend.requests.get() == 2);

      HttpResponse<String> third = proxy.get(port, "/");
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.headers().firstValue("x-weir-overloaded")).hasValue("true");
      assertThat(backend.requests.get()).isEqualTo(2);

      backend.open();
      for (CompletableFuture<HttpResponse<String>> r : held) {
        assertThat(r.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      awaitIdle(load());
      assertThat(proxy.get(port, "/").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void grpcCallOverMaxRequestsGetsUnavailableMarkedOverloaded() throws Exception {
    try (GrpcEchoServer backend = GrpcEchoServer.start("g")) {
      serve(
          Snapshots.cluster("b", backend.port()).toBuilder()
              .setProtocol(Cluster.Protocol.H2C)
              .setCircuitBreaker(CircuitBreaker.newBuilder().setMaxRequests(1)));
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        // A bidi stream keeps its request in flight: the cluster's one.
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        StreamObserver<EchoRequest> stream =
            EchoServiceGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .bidiStream(GrpcClients.queue(got));
        stream.onNext(EchoRequest.newBuilder().setMessage("a").build());
        assertThat(got.poll(10, TimeUnit.SECONDS)).isInstanceOf(EchoResponse.class);

        StatusRuntimeException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    EchoServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .echo(EchoRequest.newBuilder().setMessage("b").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(
                e.getTrailers()
                    .get(Metadata.Key.of("x-weir-overloaded", Metadata.ASCII_STRING_MARSHALLER)))
            .isEqualTo("true");
        stream.onCompleted();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      awaitIdle(load());
    }
  }

  @Test
  void maxConnectionsHoldsTheSecondRequestPendingOnTheOneConnection() throws Exception {
    try (GatedBackend backend = GatedBackend.heldOk()) {
      serve(cluster(backend, CircuitBreaker.newBuilder().setMaxConnections(1)));
      List<CompletableFuture<HttpResponse<String>>> both = sendAsync(2);
      await().until(() -> backend.requests.get() == 1 && load().pending() == 1);
      assertThat(backend.accepted.get()).isEqualTo(1);

      backend.open();
      for (CompletableFuture<HttpResponse<String>> r : both) {
        assertThat(r.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      // New client connections land on both event loops: an idle connection parked on one loop
      // is given up for a request waiting on the other, never a second connection opened.
      for (int i = 0; i < 6; i++) {
        try (RawHttp c = RawHttp.connect(port)) {
          c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
          assertThat(c.read().status()).isEqualTo(200);
        }
      }
      assertThat(load().peakConnections()).isEqualTo(1);
      assertThat(load().connections()).isLessThanOrEqualTo(1);
      awaitIdle(load());
    }
  }

  @Test
  void requestsOverMaxPendingFailFastWith503Overloaded() throws Exception {
    try (GatedBackend backend = GatedBackend.heldOk()) {
      serve(
          cluster(
              backend, CircuitBreaker.newBuilder().setMaxConnections(1).setMaxPendingRequests(1)));
      List<CompletableFuture<HttpResponse<String>>> first = sendAsync(1);
      await().until(() -> backend.requests.get() == 1);
      List<CompletableFuture<HttpResponse<String>>> second = sendAsync(1);
      await().until(() -> load().pending() == 1);

      HttpResponse<String> third = proxy.get(port, "/");
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.headers().firstValue("x-weir-overloaded")).hasValue("true");

      backend.open();
      assertThat(first.get(0).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(second.get(0).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      // The proxy's own count: when the waiting request is on another event loop, the idle
      // connection there is closed before a new one opens, but the backend may accept the new one
      // before it reads the old one's FIN, so its count can overlap by one.
      assertThat(load().peakConnections()).isEqualTo(1);
      awaitIdle(load());
    }
  }

  @Test
  void retryBudgetStopsRetriesBeyondIt() throws Exception {
    CountDownLatch firstFour = new CountDownLatch(4);
    String unavailable = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\n\r\nbusy";
    GatedBackend.Responder responder =
        (path, n, out, b) -> {
          if (n <= 4) {
            // The four first attempts fail together, so four requests are in flight at once.
            firstFour.countDown();
            firstFour.await(10, TimeUnit.SECONDS);
          } else {
            // A retry stays in flight a while, holding the budget's one retry.
            Thread.sleep(300);
          }
          GatedBackend.write(out, unavailable);
        };
    try (GatedBackend backend = new GatedBackend(responder)) {
      // 1% of 4 requests is no retry; min_retry_concurrency lets one through.
      Cluster.Builder c =
          cluster(backend, CircuitBreaker.newBuilder())
              .setRetryBudget(
                  RetryBudget.newBuilder().setBudgetPercent(1).setMinRetryConcurrency(1));
      Route route =
          prefix("all", "/", "b").toBuilder()
              .setRetry(Retry.newBuilder().setAttempts(3).addCodes(503))
              .build();
      proxy.apply(
          snapshot()
              .addListeners(http("web", port, "rt"))
              .addRouteTables(table("rt", vhost("any", List.of("*"), route)))
              .addClusters(c)
              .build());

      for (CompletableFuture<HttpResponse<String>> r : sendAsync(4)) {
        HttpResponse<String> response = r.get(10, TimeUnit.SECONDS);
        // The upstream's own answer, passed on: not the proxy's overloaded 503.
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("busy");
      }
      // Four first attempts and one request's two retries; without the budget there would be 12.
      assertThat(backend.requests.get()).isEqualTo(6);
      awaitIdle(load());
    }
  }

  @Test
  void countsReturnToZeroOnEveryWayAnExchangeEnds() throws Exception {
    GatedBackend.Responder responder =
        (path, n, out, b) -> {
          switch (path) {
            case "/ok" -> GatedBackend.write(out, GatedBackend.OK);
            case "/reset" -> throw new java.io.IOException("closing on purpose");
            case "/stall" -> {
              GatedBackend.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nab");
              b.awaitOpen();
            }
            default -> b.awaitOpen();
          }
        };
    try (GatedBackend backend = new GatedBackend(responder)) {
      serve(
          cluster(backend, CircuitBreaker.newBuilder().setMaxRequests(100))
              .setResponseTimeoutMs(300)
              .setReadTimeoutMs(300));
      assertThat(proxy.get(port, "/ok").statusCode()).isEqualTo(200); // success
      assertThat(proxy.get(port, "/reset").statusCode()).isEqualTo(502); // upstream reset
      assertThat(proxy.get(port, "/held").statusCode()).isEqualTo(504); // response timeout
      try (RawHttp c = RawHttp.connect(port)) { // read timeout after the response began
        c.send("GET /stall HTTP/1.1\r\nHost: a\r\n\r\n");
        // Two of the ten bytes, then the connection closes: the body is cut short.
        assertThat(c.readToEnd()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nab");
      }
      int before = backend.requests.get();
      try (RawHttp c = RawHttp.connect(port)) { // the client gives up
        c.send("GET /held HTTP/1.1\r\nHost: a\r\n\r\n");
        await().until(() -> backend.requests.get() == before + 1);
      }
      awaitIdle(load());
    }
  }

  private ClusterLoad load() {
    return proxy.runtime.configApplier().clusterLoads().of("b");
  }

  /** Waits for the cluster's request, pending and retry counts to be back at zero. */
  private static void awaitIdle(ClusterLoad load) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(load.requests()).isZero();
              assertThat(load.pending()).isZero();
              assertThat(load.retries()).isZero();
            });
  }

  private static Cluster.Builder cluster(GatedBackend backend, CircuitBreaker.Builder breaker) {
    return Snapshots.cluster("b", backend.port()).toBuilder()
        .setConnectTimeoutMs(5000)
        .setCircuitBreaker(breaker);
  }

  private void serve(Cluster.Builder cluster) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "b"))))
            .addClusters(cluster)
            .build());
  }

  private List<CompletableFuture<HttpResponse<String>>> sendAsync(int n) {
    List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          proxy.client.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    return out;
  }
}
