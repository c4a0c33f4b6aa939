package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.RawH2.GOAWAY;
import static dev.weir.dataplane.server.RawH2.HEADERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.EchoServer;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain through {@link ProxyRuntime#drain}: new connections are refused, idle ones close,
 * in-flight HTTP/1.1 requests finish with {@code Connection: close}, in-flight HTTP/2 streams
 * finish after a GOAWAY, and a request longer than the drain period is cut when it ends.
 */
class ProxyDrainIT {

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
  void inFlightHttp2StreamFinishesAfterGoAway() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, RawH2.request("GET", "/slow/1000"), true);
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests() == 1);

      CompletableFuture<Boolean> drained =
          CompletableFuture.supplyAsync(() -> proxy.runtime.drain(Duration.ofSeconds(10)));

      // RFC 9113 §6.8: NO_ERROR, and stream 1 is within the last stream id, so it is processed.
      RawH2.Frame goAway = h2.await(f -> f.type() == GOAWAY);
      assertThat(goAway.errorCode()).isZero();
      assertThat(java.nio.ByteBuffer.wrap(goAway.payload()).getInt(0)).isEqualTo(1);
      RawH2.Frame head = h2.await(f -> f.type() == HEADERS && f.streamId() == 1);
      assertThat(head.headers().status().toString()).isEqualTo("200");
      assertThat(new String(h2.body(1), StandardCharsets.UTF_8)).contains("uri=/slow/1000");
      assertThat(h2.closedByServer()).isTrue();
      assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
    }
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
}
