package dev.weir.e2e;

import static dev.weir.e2e.GrpcGateway.hello;
import static dev.weir.e2e.GrpcGateway.message;
import static dev.weir.testing.GrpcClients.CALL_DEADLINE_MS;
import static dev.weir.testing.GrpcClients.queue;
import static dev.weir.testing.GrpcClients.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.weir.testing.GrpcClients;
import dev.weir.testing.GrpcEchoServer;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a gRPC user meets through the real data plane beyond the GRPCRoute conformance tests: every
 * streaming kind, deadlines, error statuses with their trailers, large and compressed messages. A
 * real grpc-java client speaks HTTP/2 with prior knowledge (h2c) to the Gateway's HTTP listener as
 * {@code streams.grpc.example.com}; one real grpc-java backend ({@link GrpcEchoServer}) sits behind
 * a Service. Every call carries a deadline, so a missing feature fails fast instead of hanging.
 */
class GatewayGrpcRouteStreamingE2E {

  private static final String HOST = "streams.grpc.example.com";
  private static final String V1 = "grpc-infra-backend-v1";
  private static final Metadata.Key<String> X_BACKEND = GrpcClients.key("x-backend");

  private static GatewayFixture gw;
  private static GrpcGateway grpc;
  private static GrpcEchoServer v1;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayGrpcRouteStreamingE2E.class);
    grpc = new GrpcGateway(gw);
    v1 = GrpcEchoServer.start(V1);
    gw.service(GatewayFixture.NS, v1.name(), v1.port(), "kubernetes.io/h2c");
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-everything, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [streams.grpc.example.com]
          rules:
          - backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
        """);
    // Give the route time to reach the data plane once, here; the scenarios then retry briefly.
    // A timeout is not a set-up error: each scenario fails on its own with what it saw.
    try {
      grpc.eventually(
          Duration.ofSeconds(20),
          () -> assertThat(grpc.echo(HOST).echo(hello()).getBackend()).isEqualTo(V1));
    } catch (ConditionTimeoutException e) {
      System.err.println("GRPCRoute did not converge in 20 s: " + e.getMessage());
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (grpc != null) {
      grpc.close();
    }
    if (gw != null) {
      gw.close();
    }
    if (v1 != null) {
      v1.close();
    }
  }

  @Test
  @Tag("feature=GRPCRoute")
  void serverStreamingRepliesArriveAsTheyAreSent() {
    awaitEverythingRoute();
    // Five replies 150 ms apart: a proxy that buffered the stream would deliver them together.
    Iterator<EchoResponse> replies =
        grpc.echo(HOST)
            .serverStream(
                EchoRequest.newBuilder().setMessage("m").setRepeat(5).setDelayMs(150).build());
    List<String> messages = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    replies.forEachRemaining(
        r -> {
          messages.add(r.getMessage());
          arrivals.add(System.nanoTime());
        });
    assertThat(messages).containsExactly("m#1", "m#2", "m#3", "m#4", "m#5");
    assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(4) - arrivals.get(0)))
        .isGreaterThanOrEqualTo(400);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void clientStreamingIsConcatenatedByTheBackend() throws Exception {
    awaitEverythingRoute();
    CompletableFuture<EchoResponse> result = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = grpc.async(HOST).clientStream(single(result));
    for (String part : List.of("a", "b", "c")) {
      requests.onNext(EchoRequest.newBuilder().setMessage(part).build());
    }
    requests.onCompleted();
    EchoResponse response = result.get(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
    assertThat(response.getMessage()).isEqualTo("abc");
    assertThat(response.getBackend()).isEqualTo(V1);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void bidiStreamingAnswersEachMessageWhileTheStreamIsOpen() throws Exception {
    awaitEverythingRoute();
    BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    StreamObserver<EchoRequest> requests = grpc.async(HOST).bidiStream(queue(replies));
    for (String text : List.of("one", "two", "three")) {
      requests.onNext(EchoRequest.newBuilder().setMessage(text).build());
      // Lock-step: the next message is sent only after this one's reply came back through Weir.
      Object reply = replies.poll(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
      assertThat(reply).isInstanceOf(EchoResponse.class);
      assertThat(((EchoResponse) reply).getMessage()).isEqualTo(text);
    }
    requests.onCompleted();
    assertThat(replies.poll(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS)).isEqualTo("completed");
  }

  @Test
  @Tag("feature=GRPCRoute")
  void deadlinePropagatesAndExpiresPromptly() {
    awaitEverythingRoute();
    // gRPC over HTTP/2: the deadline travels as grpc-timeout, which the proxy passes on.
    assertThat(grpc.echo(HOST).echo(hello()).getHeadersMap()).containsKey("grpc-timeout");
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                grpc.echo(HOST)
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .echo(EchoRequest.newBuilder().setDelayMs(2_000).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    // The cancelled stream is reset on its own; the connection keeps serving.
    assertThat(grpc.echo(HOST).echo(hello()).getBackend()).isEqualTo(V1);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void backendErrorStatusReachesTheClientWithItsTrailers() throws Exception {
    awaitEverythingRoute();
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    // A trailers-only response: status, message and the backend's own trailer all arrive.
    assertThatThrownBy(
            () ->
                grpc.echo(HOST)
                    .withInterceptors(
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                    .echo(
                        EchoRequest.newBuilder()
                            .setFailWithCode(Status.Code.NOT_FOUND.value())
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo(V1 + " failed as asked");
            });
    assertThat(trailers.get().get(X_BACKEND)).isEqualTo(V1);
    // Trailers after data: one reply, then the status in the trailers of the same stream.
    BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    StreamObserver<EchoRequest> requests = grpc.async(HOST).bidiStream(queue(replies));
    requests.onNext(EchoRequest.newBuilder().setMessage("ok").build());
    requests.onNext(
        EchoRequest.newBuilder().setFailWithCode(Status.Code.PERMISSION_DENIED.value()).build());
    assertThat(replies.poll(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOfSatisfying(
            EchoResponse.class, r -> assertThat(r.getMessage()).isEqualTo("ok"));
    assertThat(replies.poll(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription()).isEqualTo(V1 + " failed as asked");
            });
  }

  @Test
  @Tag("feature=GRPCRoute")
  void fourMebibyteMessageRoundTrips() {
    awaitEverythingRoute();
    byte[] payload = new byte[4 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    EchoResponse response =
        grpc.echo(HOST)
            .withMaxOutboundMessageSize(GrpcEchoServer.MAX_MESSAGE_BYTES)
            .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build());
    assertThat(response.getPayload().toByteArray()).isEqualTo(payload);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void gzipCompressedMessagesPassThrough() {
    awaitEverythingRoute();
    String text = "compress me ".repeat(2_000);
    EchoResponse response = grpc.echo(HOST).withCompression("gzip").echo(message(text));
    assertThat(response.getMessage()).isEqualTo(text);
    assertThat(response.getHeadersMap()).containsEntry("grpc-encoding", "gzip");
  }

  @Test
  @Tag("feature=GRPCRoute")
  void routeIsAcceptedWithResolvedRefs() {
    grpc.awaitAcceptedWithResolvedRefs(Map.of("grpc-everything", 1));
  }

  private static void awaitEverythingRoute() {
    grpc.eventually(() -> assertThat(grpc.echo(HOST).echo(hello()).getBackend()).isEqualTo(V1));
  }
}
