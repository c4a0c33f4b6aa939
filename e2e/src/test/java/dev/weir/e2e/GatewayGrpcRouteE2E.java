package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.weir.testing.GrpcEchoServer;
import dev.weir.testing.grpc.EchoRequest;
import dev.weir.testing.grpc.EchoResponse;
import dev.weir.testing.grpc.EchoServiceGrpc;
import dev.weir.testing.grpc.OtherServiceGrpc;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * GRPCRoute through the real data plane, modelled on the upstream conformance tests (exact method,
 * header and listener-hostname matching, weights, RequestHeaderModifier) plus what a gRPC user
 * meets beyond them: every streaming kind, deadlines, error statuses with their trailers, large and
 * compressed messages. Real grpc-java clients speak HTTP/2 with prior knowledge (h2c) to the
 * Gateway's HTTP listener; real grpc-java backends ({@link GrpcEchoServer}) sit behind Services.
 * Each scenario has an authority of its own on one listener; listener hostnames get a Gateway of
 * their own. Every call carries a deadline, so a missing feature fails fast instead of hanging.
 */
class GatewayGrpcRouteE2E {

  private static final String ECHO = "weir.testing.v1.EchoService";
  private static final String OTHER = "weir.testing.v1.OtherService";
  private static final String V1 = "grpc-infra-backend-v1";
  private static final String V2 = "grpc-infra-backend-v2";
  private static final String V3 = "grpc-infra-backend-v3";
  private static final long CALL_DEADLINE_MS = 5_000;
  private static final Metadata.Key<String> X_BACKEND = text("x-backend");

  private static final int HOSTS_PORT = WeirStack.freePort();
  private static final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private static GatewayFixture gw;
  private static GrpcEchoServer v1;
  private static GrpcEchoServer v2;
  private static GrpcEchoServer v3;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayGrpcRouteE2E.class);
    v1 = GrpcEchoServer.start(V1);
    v2 = GrpcEchoServer.start(V2);
    v3 = GrpcEchoServer.start(V3);
    for (GrpcEchoServer backend : List.of(v1, v2, v3)) {
      grpcService(backend);
    }
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-exact-method, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [method.grpc.example.com]
          rules:
          - matches: [{method: {service: %1$s, method: Echo}}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{method: {type: Exact, service: %1$s, method: ServerStream}}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-service-match, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [service.grpc.example.com]
          rules:
          - matches: [{method: {service: %1$s}}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{method: {service: %2$s}}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-header-matching, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [headers.grpc.example.com]
          rules:
          - matches: [{headers: [{name: version, value: one}]}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: version, value: two}]}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
          - matches: [{headers: [{name: version, value: two}, {name: color, value: orange}]}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: color, value: blue}]}, {headers: [{name: color, value: green}]}]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
          - matches: [{headers: [{name: color, value: red}]}, {headers: [{name: color, value: yellow}]}]
            backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-weighted, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [weights.grpc.example.com]
          rules:
          - backendRefs:
            - {name: grpc-infra-backend-v1, port: 8080, weight: 70}
            - {name: grpc-infra-backend-v2, port: 8080, weight: 30}
            - {name: grpc-infra-backend-v3, port: 8080, weight: 0}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-header-modifier, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [modifier.grpc.example.com]
          rules:
          - matches: [{method: {service: %1$s, method: Echo}}]
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set: [{name: X-Header-Set, value: set-overwrites-values}]
                add: [{name: X-Header-Add, value: add-appends-values}]
                remove: [X-Header-Remove]
            backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-everything, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          hostnames: [streams.grpc.example.com]
          rules:
          - backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]
        """
            .formatted(ECHO, OTHER));
    // GRPCRouteListenerHostnameMatching: four listeners on one port, told apart by hostname.
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: grpc-hostnames, namespace: infra}
        spec:
          gatewayClassName: weir
          listeners:
          - {name: listener-1, port: %1$d, protocol: HTTP, hostname: bar.com}
          - {name: listener-2, port: %1$d, protocol: HTTP, hostname: foo.bar.com}
          - {name: listener-3, port: %1$d, protocol: HTTP, hostname: "*.bar.com"}
          - {name: listener-4, port: %1$d, protocol: HTTP, hostname: "*.foo.com"}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-backend-v1, namespace: infra}
        spec:
          parentRefs: [{name: grpc-hostnames, sectionName: listener-1}]
          rules: [{backendRefs: [{name: grpc-infra-backend-v1, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-backend-v2, namespace: infra}
        spec:
          parentRefs: [{name: grpc-hostnames, sectionName: listener-2}]
          rules: [{backendRefs: [{name: grpc-infra-backend-v2, port: 8080}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc-backend-v3, namespace: infra}
        spec:
          parentRefs:
          - {name: grpc-hostnames, sectionName: listener-3}
          - {name: grpc-hostnames, sectionName: listener-4}
          rules: [{backendRefs: [{name: grpc-infra-backend-v3, port: 8080}]}]
        """
            .formatted(HOSTS_PORT));
    // Give the routes time to reach the data plane once, here; the scenarios then retry briefly.
    // A timeout is not a set-up error: each scenario fails on its own with what it saw.
    try {
      eventually(
          Duration.ofSeconds(20),
          () ->
              assertThat(echo("streams.grpc.example.com").echo(hello()).getBackend())
                  .isEqualTo(V1));
    } catch (ConditionTimeoutException e) {
      System.err.println("GRPCRoute did not converge in 20 s: " + e.getMessage());
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (gw != null) {
      gw.close();
    }
    for (GrpcEchoServer backend : new GrpcEchoServer[] {v1, v2, v3}) {
      if (backend != null) {
        backend.close();
      }
    }
  }

  @Test
  @Tag("feature=GRPCRoute")
  void exactMethodMatching() {
    String host = "method.grpc.example.com";
    eventually(() -> assertThat(echo(host).echo(hello()).getBackend()).isEqualTo(V1));
    assertThat(echo(host).serverStream(hello()).next().getBackend()).isEqualTo(V2);
    // Conformance (GRPCExactMethodMatching): a method no rule matches is UNIMPLEMENTED.
    assertThat(code(() -> other(host).echo(hello()))).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void serviceOnlyMatchingCoversEveryMethodOfTheService() {
    String host = "service.grpc.example.com";
    eventually(() -> assertThat(echo(host).echo(hello()).getBackend()).isEqualTo(V1));
    assertThat(echo(host).serverStream(hello()).next().getBackend()).isEqualTo(V1);
    assertThat(other(host).echo(hello()).getBackend()).isEqualTo(V2);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void headerMatching() {
    String host = "headers.grpc.example.com";
    eventually(() -> assertThat(servedWith(host, "version", "one")).isEqualTo(V1));
    assertThat(servedWith(host, "version", "two")).isEqualTo(V2);
    // More header matches win (GRPCRoute precedence), whatever the rule order.
    assertThat(servedWith(host, "version", "two", "color", "orange")).isEqualTo(V1);
    assertThat(servedWith(host, "color", "blue")).isEqualTo(V1);
    assertThat(servedWith(host, "color", "green")).isEqualTo(V1);
    assertThat(servedWith(host, "color", "red")).isEqualTo(V2);
    assertThat(servedWith(host, "color", "yellow")).isEqualTo(V2);
    assertThat(code(() -> servedWith(host, "color", "purple")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(() -> servedWith(host))).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void listenerHostnameMatchingByAuthority() {
    eventually(() -> assertThat(servedOn(HOSTS_PORT, "bar.com")).isEqualTo(V1));
    assertThat(servedOn(HOSTS_PORT, "foo.bar.com")).isEqualTo(V2);
    assertThat(servedOn(HOSTS_PORT, "baz.bar.com")).isEqualTo(V3);
    assertThat(servedOn(HOSTS_PORT, "boo.bar.com")).isEqualTo(V3);
    assertThat(servedOn(HOSTS_PORT, "multiple.prefixes.bar.com")).isEqualTo(V3);
    assertThat(servedOn(HOSTS_PORT, "multiple.prefixes.foo.com")).isEqualTo(V3);
    assertThat(code(() -> servedOn(HOSTS_PORT, "foo.com"))).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(code(() -> servedOn(HOSTS_PORT, "no.matching.host")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    // The route's own hostnames apply on a listener without one.
    assertThat(code(() -> servedOn(gw.port, "unknown.grpc.example.com")))
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void weightsSplitCallsAndZeroGetsNone() {
    String host = "weights.grpc.example.com";
    eventually(() -> assertThat(echo(host).echo(hello()).getBackend()).isIn(V1, V2));
    Map<String, Integer> counts = new HashMap<>();
    int total = 300;
    for (int i = 0; i < total; i++) {
      counts.merge(echo(host).echo(hello()).getBackend(), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey(V3);
    // 70:30 → 210 of 300 expected; 5 standard deviations (~40) of a binomial is a safe band.
    assertThat(counts.getOrDefault(V1, 0)).isBetween(170, 250);
    assertThat(counts.getOrDefault(V1, 0) + counts.getOrDefault(V2, 0)).isEqualTo(total);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void requestHeaderModifierReachesTheBackend() {
    String host = "modifier.grpc.example.com";
    Metadata sent =
        metadata(
            "x-header-set", "original",
            "x-header-add", "first",
            "x-header-remove", "gone",
            "some-other-header", "kept");
    eventually(
        () ->
            assertThat(echo(host).withInterceptors(attach(sent)).echo(hello()).getBackend())
                .isEqualTo(V1));
    Map<String, String> seen =
        echo(host).withInterceptors(attach(sent)).echo(hello()).getHeadersMap();
    assertThat(seen)
        .containsEntry("x-header-set", "set-overwrites-values")
        .containsEntry("x-header-add", "first,add-appends-values")
        .containsEntry("some-other-header", "kept")
        .doesNotContainKey("x-header-remove");
  }

  @Test
  @Tag("feature=GRPCRoute")
  void serverStreamingRepliesArriveAsTheyAreSent() {
    awaitEverythingRoute();
    // Five replies 150 ms apart: a proxy that buffered the stream would deliver them together.
    Iterator<EchoResponse> replies =
        echo("streams.grpc.example.com")
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
    StreamObserver<EchoRequest> requests =
        async("streams.grpc.example.com").clientStream(single(result));
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
    StreamObserver<EchoRequest> requests =
        async("streams.grpc.example.com").bidiStream(queue(replies));
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
    String host = "streams.grpc.example.com";
    // gRPC over HTTP/2: the deadline travels as grpc-timeout, which the proxy passes on.
    assertThat(echo(host).echo(hello()).getHeadersMap()).containsKey("grpc-timeout");
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                EchoServiceGrpc.newBlockingStub(channel(gw.port, host))
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .echo(EchoRequest.newBuilder().setDelayMs(2_000).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    // The cancelled stream is reset on its own; the connection keeps serving.
    assertThat(echo(host).echo(hello()).getBackend()).isEqualTo(V1);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void backendErrorStatusReachesTheClientWithItsTrailers() throws Exception {
    awaitEverythingRoute();
    String host = "streams.grpc.example.com";
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    // A trailers-only response: status, message and the backend's own trailer all arrive.
    assertThatThrownBy(
            () ->
                echo(host)
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
    StreamObserver<EchoRequest> requests = async(host).bidiStream(queue(replies));
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
        echo("streams.grpc.example.com")
            .withMaxOutboundMessageSize(GrpcEchoServer.MAX_MESSAGE_BYTES)
            .echo(EchoRequest.newBuilder().setPayload(ByteString.copyFrom(payload)).build());
    assertThat(response.getPayload().toByteArray()).isEqualTo(payload);
  }

  @Test
  @Tag("feature=GRPCRoute")
  void gzipCompressedMessagesPassThrough() {
    awaitEverythingRoute();
    String text = "compress me ".repeat(2_000);
    EchoResponse response =
        echo("streams.grpc.example.com").withCompression("gzip").echo(message(text));
    assertThat(response.getMessage()).isEqualTo(text);
    assertThat(response.getHeadersMap()).containsEntry("grpc-encoding", "gzip");
  }

  @Test
  @Tag("feature=GRPCRoute")
  void routesAreAcceptedWithResolvedRefsPerParent() {
    Map<String, Integer> parents =
        Map.of(
            "grpc-exact-method", 1,
            "grpc-service-match", 1,
            "grpc-header-matching", 1,
            "grpc-weighted", 1,
            "grpc-header-modifier", 1,
            "grpc-everything", 1,
            "grpc-backend-v1", 1,
            "grpc-backend-v2", 1,
            "grpc-backend-v3", 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                parents.forEach(
                    (name, count) -> {
                      List<RouteParentStatus> statuses = parentStatuses(name);
                      assertThat(statuses).as(name + " parents").hasSize(count);
                      for (RouteParentStatus parent : statuses) {
                        assertThat(parent.getControllerName())
                            .isEqualTo("weir.dev/gateway-controller");
                        assertCondition(name, parent, "Accepted", "Accepted");
                        assertCondition(name, parent, "ResolvedRefs", "ResolvedRefs");
                      }
                    }));
  }

  // ---- set-up helpers

  /** Service {@code infra/NAME} (port 8080, h2c) with {@code backend} behind it. */
  private static void grpcService(GrpcEchoServer backend) {
    gw.api.apply(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: %1$s, namespace: infra}
        spec:
          ports:
          - {name: grpc, port: 8080, appProtocol: kubernetes.io/h2c}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %1$s
          namespace: infra
          labels: {kubernetes.io/service-name: %1$s}
        addressType: IPv4
        ports:
        - {name: grpc, port: %2$d, appProtocol: kubernetes.io/h2c}
        endpoints:
        - addresses: ["127.0.0.1"]
        """
            .formatted(backend.name(), backend.port()));
  }

  // ---- calls

  /** A plaintext (h2c prior knowledge) channel to the listener on {@code port} as {@code host}. */
  private static ManagedChannel channel(int port, String authority) {
    return channels.computeIfAbsent(
        port + "/" + authority,
        k ->
            ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .overrideAuthority(authority)
                .maxInboundMessageSize(GrpcEchoServer.MAX_MESSAGE_BYTES)
                .build());
  }

  private static EchoServiceGrpc.EchoServiceBlockingStub echo(String authority) {
    return EchoServiceGrpc.newBlockingStub(channel(gw.port, authority))
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  private static EchoServiceGrpc.EchoServiceStub async(String authority) {
    return EchoServiceGrpc.newStub(channel(gw.port, authority))
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  private static OtherServiceGrpc.OtherServiceBlockingStub other(String authority) {
    return OtherServiceGrpc.newBlockingStub(channel(gw.port, authority))
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  /** Which backend served a unary Echo sent with the metadata {@code pairs}. */
  private static String servedWith(String authority, String... pairs) {
    return echo(authority).withInterceptors(attach(metadata(pairs))).echo(hello()).getBackend();
  }

  /** Which backend served a unary Echo on the listener {@code port} as {@code authority}. */
  private static String servedOn(int port, String authority) {
    return EchoServiceGrpc.newBlockingStub(channel(port, authority))
        .withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .echo(hello())
        .getBackend();
  }

  /** The status code {@code call} ended with ({@code OK} when it returned). */
  private static Status.Code code(Supplier<?> call) {
    try {
      call.get();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static EchoRequest hello() {
    return message("hello");
  }

  private static EchoRequest message(String text) {
    return EchoRequest.newBuilder().setMessage(text).build();
  }

  private static Metadata.Key<String> text(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  private static Metadata metadata(String... pairs) {
    Metadata md = new Metadata();
    for (int i = 0; i < pairs.length; i += 2) {
      md.put(text(pairs[i]), pairs[i + 1]);
    }
    return md;
  }

  private static io.grpc.ClientInterceptor attach(Metadata md) {
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }

  // ---- waiting

  /** Retries {@code check} briefly: the route may still be on its way to the data plane. */
  private static void eventually(Runnable check) {
    eventually(Duration.ofSeconds(5), check);
  }

  private static void eventually(Duration atMost, Runnable check) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(
            () -> {
              // A listener that opened late must not leave a channel waiting out its backoff.
              channels.values().forEach(ManagedChannel::resetConnectBackoff);
              check.run();
            });
  }

  private static void awaitEverythingRoute() {
    eventually(
        () ->
            assertThat(echo("streams.grpc.example.com").echo(hello()).getBackend()).isEqualTo(V1));
  }

  private static List<RouteParentStatus> parentStatuses(String name) {
    GRPCRoute route = gw.kube.resources(GRPCRoute.class).inNamespace("infra").withName(name).get();
    if (route == null || route.getStatus() == null || route.getStatus().getParents() == null) {
      return List.of();
    }
    return route.getStatus().getParents();
  }

  private static void assertCondition(
      String route, RouteParentStatus parent, String type, String reason) {
    String where =
        route
            + " on "
            + parent.getParentRef().getName()
            + "/"
            + parent.getParentRef().getSectionName();
    Condition condition =
        parent.getConditions().stream()
            .filter(c -> c.getType().equals(type))
            .findFirst()
            .orElseThrow(() -> new AssertionError(where + " has no " + type + " condition"));
    assertThat(condition.getStatus()).as(where + " " + type).isEqualTo("True");
    assertThat(condition.getReason()).as(where + " " + type).isEqualTo(reason);
  }

  // ---- stream observers

  private static StreamObserver<EchoResponse> single(CompletableFuture<EchoResponse> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.completeExceptionally(new IllegalStateException("completed without a reply"));
      }
    };
  }

  /** Puts each reply, then "completed" or the error, on {@code queue}. */
  private static StreamObserver<EchoResponse> queue(BlockingQueue<Object> queue) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        queue.add(value);
      }

      @Override
      public void onError(Throwable t) {
        queue.add(t);
      }

      @Override
      public void onCompleted() {
        queue.add("completed");
      }
    };
  }
}
