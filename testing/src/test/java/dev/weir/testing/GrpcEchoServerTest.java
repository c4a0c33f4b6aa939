package dev.weir.testing;

import static dev.weir.testing.GrpcClients.queue;
import static dev.weir.testing.GrpcClients.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real grpc-java client, over plaintext HTTP/2, against a real {@link GrpcEchoServer}. */
class GrpcEchoServerTest {

  private static final Metadata.Key<String> X_TEST = GrpcClients.key("x-test");
  private static final Metadata.Key<String> X_BACKEND = GrpcClients.key("x-backend");
  private static final Metadata.Key<String> GRPC_ENCODING = GrpcClients.key("grpc-encoding");

  private static GrpcEchoServer server;
  private static GrpcClients clients;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    server = GrpcEchoServer.start("alpha");
    clients = new GrpcClients();
    channel = clients.channel(server.port());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    clients.close();
    server.close();
  }

  private static EchoServiceGrpc.EchoServiceBlockingStub blocking() {
    return GrpcClients.echo(channel);
  }

  private static EchoServiceGrpc.EchoServiceStub async() {
    return GrpcClients.async(channel);
  }

  private static EchoRequest message(String text) {
    return EchoRequest.newBuilder().setMessage(text).build();
  }

  @Test
  void unaryEchoesMessageBackendMetadataAndNamesItselfInAHeader() {
    Metadata sent = new Metadata();
    sent.put(X_TEST, "one");
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    long before = server.requests();

    EchoResponse response =
        blocking()
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(sent),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
            .echo(message("hello"));

    assertThat(response.getMessage()).isEqualTo("hello");
    assertThat(response.getBackend()).isEqualTo("alpha");
    assertThat(response.getMethod()).isEqualTo("weir.testing.v1.EchoService/Echo");
    assertThat(response.getHeadersMap())
        .containsEntry("x-test", "one")
        .containsEntry(":authority", "127.0.0.1:" + server.port());
    assertThat(headers.get().get(X_BACKEND)).isEqualTo("alpha");
    assertThat(server.requests()).isEqualTo(before + 1);
  }

  @Test
  void repeatedMetadataIsJoinedWithCommas() {
    Metadata sent = new Metadata();
    sent.put(X_TEST, "a");
    sent.put(X_TEST, "b");
    EchoResponse response =
        blocking()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent))
            .echo(message("x"));
    assertThat(response.getHeadersMap()).containsEntry("x-test", "a,b");
  }

  @Test
  void otherServiceAnswersWithItsOwnMethodName() {
    EchoResponse response = GrpcClients.other(channel).echo(message("other"));
    assertThat(response.getMethod()).isEqualTo("weir.testing.v1.OtherService/Echo");
    assertThat(response.getBackend()).isEqualTo("alpha");
  }

  @Test
  void serverStreamSendsRepeatNumberedReplies() {
    Iterator<EchoResponse> replies =
        blocking().serverStream(EchoRequest.newBuilder().setMessage("m").setRepeat(3).build());
    List<String> messages = new ArrayList<>();
    replies.forEachRemaining(r -> messages.add(r.getMessage()));
    assertThat(messages).containsExactly("m#1", "m#2", "m#3");
  }

  @Test
  void clientStreamConcatenatesMessagesAndPayloads() throws Exception {
    CompletableFuture<EchoResponse> result = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = async().clientStream(single(result));
    requests.onNext(EchoRequest.newBuilder().setMessage("a").setPayload(bytes("1")).build());
    requests.onNext(EchoRequest.newBuilder().setMessage("b").setPayload(bytes("2")).build());
    requests.onNext(EchoRequest.newBuilder().setMessage("c").setPayload(bytes("3")).build());
    requests.onCompleted();

    EchoResponse response = result.get(5, TimeUnit.SECONDS);
    assertThat(response.getMessage()).isEqualTo("abc");
    assertThat(response.getPayload().toStringUtf8()).isEqualTo("123");
    assertThat(response.getBackend()).isEqualTo("alpha");
  }

  @Test
  void bidiAnswersEachMessageBeforeTheNextIsSent() throws Exception {
    BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    StreamObserver<EchoRequest> requests = async().bidiStream(queue(replies));
    for (String text : List.of("one", "two", "three")) {
      requests.onNext(message(text));
      // The reply arrives while the stream is still open: each message is answered on arrival.
      Object reply = replies.poll(5, TimeUnit.SECONDS);
      assertThat(reply).isInstanceOf(EchoResponse.class);
      assertThat(((EchoResponse) reply).getMessage()).isEqualTo(text);
    }
    requests.onCompleted();
    assertThat(replies.poll(5, TimeUnit.SECONDS)).isEqualTo("completed");
  }

  @Test
  void deadlineShorterThanTheDelayFailsWithDeadlineExceeded() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                EchoServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                    .echo(EchoRequest.newBuilder().setDelayMs(3_000).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
  }

  @Test
  void delayedReplyArrivesWithinALongerDeadline() {
    EchoResponse response =
        blocking().echo(EchoRequest.newBuilder().setMessage("late").setDelayMs(100).build());
    assertThat(response.getMessage()).isEqualTo("late");
  }

  @Test
  void theClientsDeadlineReachesTheBackendAsGrpcTimeout() {
    // gRPC over HTTP/2: the deadline travels as grpc-timeout, which a proxy must pass on.
    EchoResponse response = blocking().echo(message("timed"));
    assertThat(response.getHeadersMap()).containsKey("grpc-timeout");
  }

  @Test
  void failWithCodeReachesTheClientWithItsDescriptionAndBackendTrailer() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                blocking()
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
              assertThat(e.getStatus().getDescription()).isEqualTo("alpha failed as asked");
            });
    assertThat(trailers.get().get(X_BACKEND)).isEqualTo("alpha");
  }

  @Test
  void fourMebibytePayloadRoundTrips() {
    byte[] payload = new byte[4 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    EchoResponse response =
        blocking()
            .withMaxOutboundMessageSize(GrpcEchoServer.MAX_MESSAGE_BYTES)
            .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build());
    assertThat(response.getPayload().toByteArray()).isEqualTo(payload);
  }

  @Test
  void gzipRequestsAreAnsweredWithGzip() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    String text = "compress me ".repeat(1_000);
    EchoResponse response =
        blocking()
            .withCompression("gzip")
            .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
            .echo(message(text));
    assertThat(response.getMessage()).isEqualTo(text);
    assertThat(response.getHeadersMap()).containsEntry("grpc-encoding", "gzip");
    assertThat(headers.get().get(GRPC_ENCODING)).isEqualTo("gzip");
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
