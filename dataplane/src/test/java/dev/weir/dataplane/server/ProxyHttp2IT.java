package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.https;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.secret;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.sni;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.testing.EchoServer;
import dev.weir.testing.GrpcEchoServer;
import dev.weir.testing.TestCertificates;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import dev.weir.testing.grpc.OtherServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 through the proxy with real clients and backends: grpc-java over h2c prior knowledge to an
 * H2C cluster (unary, streaming, errors, deadlines, unrouted methods), HTTP/1.1 and h2c clients on
 * the same cleartext listener to an HTTP/1 backend, and h2 negotiated by ALPN on a TLS listener.
 */
class ProxyHttp2IT {

  private static final String GRPC_HOST = "grpc.test";

  private final TestCertificates.Pem cert = TestCertificates.selfSigned("a.example.com");
  private GrpcEchoServer grpcBackend;
  private EchoServer httpBackend;
  private ProxyFixture proxy;
  private int port;
  private int tlsPort;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    grpcBackend = GrpcEchoServer.start("grpc-backend");
    httpBackend = EchoServer.start("http-backend");
    proxy = new ProxyFixture();
    port = freePort();
    tlsPort = freePort();
    proxy.apply(config("/"));
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .overrideAuthority(GRPC_HOST)
            .build();
  }

  /** The test's snapshot; {@code catchAll} is the path of the HTTP route (changed by swaps). */
  private ConfigSnapshot config(String catchAll) {
    return snapshot()
        .addListeners(http("plain", port, "rt"))
        .addListeners(https("tls", tlsPort, "rt", sni("a.example.com", "default/a")))
        .addRouteTables(
            table(
                "rt",
                vhost(
                    "grpc",
                    List.of(GRPC_HOST),
                    prefix("echo", "/weir.testing.v1.EchoService/", "grpc")),
                vhost("any", List.of("*"), prefix("all", catchAll, "http"))))
        .addClusters(
            cluster("grpc", grpcBackend.port()).toBuilder()
                .setProtocol(Cluster.Protocol.H2C)
                .build())
        .addClusters(cluster("http", httpBackend.port()))
        .addSecrets(secret("default/a", cert))
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    proxy.close();
    grpcBackend.close();
    httpBackend.close();
  }

  private EchoServiceGrpc.EchoServiceBlockingStub echo() {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void unaryCallGoesThroughToTheH2cBackend() {
    EchoResponse r = echo().echo(EchoRequest.newBuilder().setMessage("hello").build());

    assertThat(r.getMessage()).isEqualTo("hello");
    assertThat(r.getBackend()).isEqualTo("grpc-backend");
    assertThat(r.getMethod()).isEqualTo("weir.testing.v1.EchoService/Echo");
    assertThat(r.getHeadersMap()).containsEntry(":authority", GRPC_HOST);
  }

  @Test
  void concurrentCallsRunAsParallelStreams() throws Exception {
    EchoServiceGrpc.EchoServiceFutureStub stub =
        EchoServiceGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    List<ListenableFuture<EchoResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(stub.echo(EchoRequest.newBuilder().setMessage("m" + i).setDelayMs(500).build()));
    }
    List<String> messages = new ArrayList<>();
    for (ListenableFuture<EchoResponse> call : calls) {
      messages.add(call.get(10, TimeUnit.SECONDS).getMessage());
    }

    assertThat(messages).hasSize(20).contains("m0", "m19");
    // 20 calls of 500 ms each, one after the other, would take 10 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void serverStreamingRepliesArriveInOrder() {
    Iterator<EchoResponse> it =
        echo().serverStream(EchoRequest.newBuilder().setMessage("s").setRepeat(3).build());
    List<String> messages = new ArrayList<>();
    it.forEachRemaining(r -> messages.add(r.getMessage()));

    assertThat(messages).hasSize(3).allMatch(m -> m.startsWith("s"));
  }

  @Test
  void bidiStreamingEchoesEachMessage() throws Exception {
    CompletableFuture<List<String>> done = new CompletableFuture<>();
    List<String> got = new ArrayList<>();
    StreamObserver<EchoRequest> requests =
        EchoServiceGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .bidiStream(
                new StreamObserver<>() {
                  @Override
                  public void onNext(EchoResponse value) {
                    synchronized (got) {
                      got.add(value.getMessage());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    synchronized (got) {
                      done.complete(List.copyOf(got));
                    }
                  }
                });
    requests.onNext(EchoRequest.newBuilder().setMessage("a").build());
    requests.onNext(EchoRequest.newBuilder().setMessage("b").build());
    requests.onNext(EchoRequest.newBuilder().setMessage("c").build());
    requests.onCompleted();

    assertThat(done.get(10, TimeUnit.SECONDS)).containsExactly("a", "b", "c");
  }

  @Test
  void liveBidiStreamSurvivesSnapshotSwapsThatKeepItsRoute() throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests =
        EchoServiceGrpc.newStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .bidiStream(
                new StreamObserver<>() {
                  @Override
                  public void onNext(EchoResponse value) {
                    got.add(value.getMessage());
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    for (int i = 0; i < 5; i++) {
      requests.onNext(EchoRequest.newBuilder().setMessage("before-" + i).build());
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("before-" + i);
      // A new snapshot each time: other routes change, the stream's route and cluster stay.
      proxy.apply(config("/v" + i));
      requests.onNext(EchoRequest.newBuilder().setMessage("after-" + i).build());
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("after-" + i);
    }
    requests.onCompleted();

    done.get(10, TimeUnit.SECONDS);
    assertThat(grpcBackend.requests()).isEqualTo(1);
  }

  @Test
  void backendStatusAndMessageArriveInTrailers() {
    assertThatThrownBy(
            () ->
                echo()
                    .echo(
                        EchoRequest.newBuilder()
                            .setFailWithCode(Status.Code.NOT_FOUND.value())
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).contains("grpc-backend");
            });
  }

  @Test
  void deadlineShorterThanTheBackendDelayFailsPromptly() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                EchoServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .echo(EchoRequest.newBuilder().setDelayMs(5_000).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    // The cancelled call did not break the shared connections: the next call works.
    assertThat(echo().echo(EchoRequest.newBuilder().setMessage("after").build()).getMessage())
        .isEqualTo("after");
  }

  @Test
  void unroutedMethodIsUnimplemented() {
    assertThatThrownBy(
            () ->
                OtherServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .echo(EchoRequest.newBuilder().setMessage("x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertThat(grpcBackend.requests()).isZero();
  }

  @Test
  void unreachableH2cBackendIsUnavailable() throws Exception {
    grpcBackend.close();

    assertThatThrownBy(() -> echo().echo(EchoRequest.newBuilder().setMessage("x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void http11ClientGetsTheH2BackendsTrailersAsAChunkedTrailerSection() throws Exception {
    // A gRPC message: uncompressed flag, 4-byte length, EchoRequest{message: "hi"}.
    byte[] message = {0, 0, 0, 0, 4, 0x0a, 0x02, 'h', 'i'};
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /weir.testing.v1.EchoService/Echo HTTP/1.1\r\nHost: "
                  + GRPC_HOST
                  + "\r\ncontent-type: application/grpc\r\nte: trailers\r\n"
                  + "content-length: 9\r\nconnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(message);
      out.flush();
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(response).startsWith("HTTP/1.1 200 ").contains("transfer-encoding: chunked");
      assertThat(response).doesNotContain("x-http2-");
      String trailers = response.substring(response.lastIndexOf("\r\n0\r\n") + 5);
      assertThat(trailers).contains("grpc-status: 0").endsWith("\r\n\r\n");
    }
  }

  @Test
  void http1AndH2cPriorKnowledgeClientsShareTheListener() throws Exception {
    HttpResponse<String> h1 = proxy.get(port, "/h1");
    assertThat(h1.statusCode()).isEqualTo(200);
    assertThat(h1.headers().firstValue("x-backend")).hasValue("http-backend");

    Process curl =
        new ProcessBuilder(
                "curl",
                "-s",
                "--max-time",
                "10",
                "--http2-prior-knowledge",
                "-o",
                "-",
                "-w",
                "\n%{http_version} %{http_code}",
                "http://127.0.0.1:" + port + "/h2")
            .redirectErrorStream(true)
            .start();
    String out = read(curl.getInputStream());
    assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();

    assertThat(out).endsWith("\n2 200").contains("/h2").contains("http-backend");
  }

  @Test
  void tlsListenerNegotiatesH2ByAlpn() throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {new TrustAll()}, null);
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(ssl)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + "/tls"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-backend")).hasValue("http-backend");
      assertThat(r.body()).contains("/tls");
    }
  }

  private static String read(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Trusts any certificate and name: the test checks the protocol, not the chain. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
