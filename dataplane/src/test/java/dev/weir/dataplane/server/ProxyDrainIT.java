package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.RawH2.GOAWAY;
import static dev.weir.dataplane.server.RawH2.HEADERS;
import static dev.weir.dataplane.server.RawH2.PING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain through {@link ProxyRuntime#drain}: new connections are refused, idle ones close,
 * in-flight HTTP/1.1 requests finish with {@code Connection: close}, HTTP/2 connections get the
 * two-step GOAWAY of RFC 9113 §6.8 (with a raw client, {@link RawH2}, that answers the proxy's PING
 * only when a test says so) and their streams finish, and a request longer than the drain period is
 * cut when it ends.
 */
class ProxyDrainIT {

  private static final int REFUSED_STREAM = 0x7;

  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("drain-backend");
    proxy = new ProxyFixture();
    port = proxy.forwardAll(backend.port());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void inFlightHttp1RequestFinishesWithConnectionCloseAndNewConnectionsAreRefused()
      throws Exception {
    try (RawHttp idle = RawHttp.connect(port);
        RawHttp busy = RawHttp.connect(port)) {
      // An idle keep-alive connection (one request done) and one with a slow request in flight.
      idle.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      busy.send("GET /slow/1500 HTTP/1.1\r\nHost: a\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 2);

      CompletableFuture<Boolean> drained =
          CompletableFuture.supplyAsync(() -> proxy.runtime.drain(Duration.ofSeconds(10)));

      await().atMost(Duration.ofSeconds(2)).until(proxy.runtime::draining);
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
          .isInstanceOf(ConnectException.class);
      assertThat(idle.closedByPeer()).isTrue();
      RawHttp.Response slow = busy.read();
      assertThat(slow.status()).isEqualTo(200);
      assertThat(slow.header("connection")).isEqualTo("close");
      assertThat(slow.body()).contains("uri=/slow/1500");
      assertThat(busy.closedByPeer()).isTrue();
      assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.runtime.openConnections()).isZero();
    }
  }

  @Test
  void http2DrainSendsTwoGoAwaysAndServesTheStreamOpenedBetweenThem() throws Exception {
    List<RawH2.Frame> frames = new ArrayList<>();
    CompletableFuture<Boolean> drained;
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/slow/1500"), true);
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 1);

      drained = CompletableFuture.supplyAsync(() -> proxy.runtime.drain(Duration.ofSeconds(10)));

      // RFC 9113 §6.8, step one: GOAWAY NO_ERROR with last stream id 2^31-1, then a PING.
      frames.addAll(h2.until(f -> f.type() == PING));
      RawH2.Frame announce = goAways(frames).get(0);
      assertThat(announce.lastStreamId()).isEqualTo(Integer.MAX_VALUE);
      assertThat(announce.errorCode()).isZero();
      RawH2.Frame ping = frames.get(frames.size() - 1);
      assertThat(ping.flags() & RawH2.ACK).isZero();

      // A stream opened after the first GOAWAY and before the PING's ACK is still taken.
      h2.headers(3, RawH2.request("GET", "/between"), true);
      h2.ping(true, ping.pingData());
      frames.addAll(h2.until(f -> f.type() == GOAWAY));
      RawH2.Frame last = frames.get(frames.size() - 1);
      assertThat(last.lastStreamId()).isEqualTo(3);
      assertThat(last.errorCode()).isZero();

      // Above the final last stream id: refused, not processed (RFC 9113 §8.7), so safe to retry.
      h2.headers(5, RawH2.request("GET", "/after"), true);
      frames.addAll(h2.until(f -> false));
    }
    assertThat(goAways(frames)).hasSize(2);
    assertThat(status(frames, 3)).isEqualTo("200");
    assertThat(body(frames, 3)).contains("uri=/between");
    assertThat(status(frames, 1)).isEqualTo("200");
    assertThat(body(frames, 1)).contains("uri=/slow/1500");
    assertThat(frames.stream().filter(f -> f.streamId() == 5))
        .singleElement()
        .satisfies(f -> assertThat(f.type()).isEqualTo(RawH2.RST_STREAM))
        .satisfies(f -> assertThat(f.errorCode()).isEqualTo(REFUSED_STREAM));
    assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(backend.requests()).isEqualTo(2);
  }

  @Test
  void withoutAPingAckTheFinalGoAwayFollowsABoundedWaitAndTheInFlightStreamFinishes()
      throws Exception {
    List<RawH2.Frame> frames = new ArrayList<>();
    CompletableFuture<Boolean> drained;
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/slow/1000"), true);
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 1);

      drained = CompletableFuture.supplyAsync(() -> proxy.runtime.drain(Duration.ofSeconds(10)));

      frames.addAll(h2.until(f -> f.type() == GOAWAY));
      long announced = System.nanoTime();
      assertThat(frames.get(frames.size() - 1).lastStreamId()).isEqualTo(Integer.MAX_VALUE);
      // This client never answers the PING: the proxy waits about a second, then goes on.
      frames.addAll(h2.until(f -> f.type() == GOAWAY));
      assertThat(Duration.ofNanos(System.nanoTime() - announced))
          .isGreaterThan(Http2DrainHandler.PING_ACK_TIMEOUT.dividedBy(2));
      // Stream 1 is within the last stream id, so it was processed and runs to its end.
      assertThat(frames.get(frames.size() - 1).lastStreamId()).isEqualTo(1);
      frames.addAll(h2.until(f -> false));
    }
    assertThat(status(frames, 1)).isEqualTo("200");
    assertThat(body(frames, 1)).contains("uri=/slow/1000");
    assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void requestLongerThanTheDrainPeriodIsCut() throws Exception {
    try (RawHttp busy = RawHttp.connect(port)) {
      busy.send("GET /slow/5000 HTTP/1.1\r\nHost: a\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 1);

      long start = System.nanoTime();
      assertThat(proxy.runtime.drain(Duration.ofMillis(300))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(proxy.runtime.openConnections()).isEqualTo(1);

      proxy.runtime.close();
      assertThat(busy.closedByPeer()).isTrue();
    }
  }

  private static List<RawH2.Frame> goAways(List<RawH2.Frame> frames) {
    return frames.stream().filter(f -> f.type() == GOAWAY).toList();
  }

  /** The :status of {@code streamId}'s response head among {@code frames}. */
  private static String status(List<RawH2.Frame> frames, int streamId) {
    return frames.stream()
        .filter(f -> f.type() == HEADERS && f.streamId() == streamId)
        .findFirst()
        .map(f -> String.valueOf(f.headers().status()))
        .orElse("none");
  }

  /** The DATA bytes of {@code streamId} among {@code frames}, as text. */
  private static String body(List<RawH2.Frame> frames, int streamId) {
    StringBuilder body = new StringBuilder();
    for (RawH2.Frame f : frames) {
      if (f.type() == RawH2.DATA && f.streamId() == streamId) {
        body.append(new String(f.payload(), StandardCharsets.UTF_8));
      }
    }
    return body.toString();
  }
}
