package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input suite for limits over raw sockets: body size (413), slow heads and bodies
 * (408), connections and pipelined requests (503), and upgrades other than WebSocket. Each case
 * asserts the proxy's answer and what reached the backend.
 */
class Http1LimitsIT {

  private static final Http1Limits LIMITS =
      new Http1Limits(100, Duration.ofMillis(300), Duration.ofMillis(300), 3, 2);

  private RecordingBackend backend;
  private RecordingBackend early;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    backend = new RecordingBackend(false);
    early = new RecordingBackend(true);
    proxy = new ProxyFixture(LIMITS);
    port = freePort();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(
                table(
                    "rt",
                    vhost(
                        "app",
                        List.of("*"),
                        prefix("big", "/big", "b").toBuilder().setMaxRequestBodyBytes(1000).build(),
                        prefix("early", "/early", "e"),
                        prefix("all", "/", "b"))))
            .addClusters(cluster("b", backend.port()))
            .addClusters(cluster("e", early.port()))
            .build());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backend.close();
    early.close();
  }

  private static String post(String path, String framing) {
    return "POST " + path + " HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n\r\n";
  }

  private static String chunk(int size) {
    return Integer.toHexString(size) + "\r\n" + "x".repeat(size) + "\r\n";
  }

  private void assertClosedWith(RawHttp c, int status) throws Exception {
    RawHttp.Response r = c.read();
    assertThat(r).isNotNull();
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("connection")).isEqualTo("close");
    assertThat(c.closedByPeer()).isTrue();
  }

  @Test
  void declaredBodyOverTheDefaultLimitIs413BeforeAnythingGoesUp() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post("/", "Content-Length: 101") + "x".repeat(101));
      assertClosedWith(c, 413);
    }
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void routeLimitReplacesTheDefault() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post("/big", "Content-Length: 500") + "x".repeat(500));
      assertThat(c.read().status()).isEqualTo(200);
      c.send(post("/big", "Content-Length: 1001") + "x".repeat(1001));
      assertClosedWith(c, 413);
    }
    assertThat(backend.completed.get()).isEqualTo(1);
    assertThat(backend.requests.get()).isEqualTo(1);
  }

  @Test
  void chunkedBodyCrossingTheLimitIs413AndTheUpstreamRequestIsCut() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post("/", "Transfer-Encoding: chunked") + chunk(80));
      c.send(chunk(80) + "0\r\n\r\n");
      assertClosedWith(c, 413);
    }
    await().untilAsserted(() -> assertThat(backend.closedByProxy.get()).isEqualTo(1));
    assertThat(backend.completed.get()).isZero();
    assertThat(backend.received()).doesNotContain("x".repeat(81));
  }

  @Test
  void chunkedBodyCrossingTheLimitAfterTheResponseBeganResetsTheClient() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post("/early", "Transfer-Encoding: chunked") + chunk(60));
      assertThat(c.readHead()).startsWith("HTTP/1.1 200");
      c.send(chunk(60) + "0\r\n\r\n");
      // The response cannot be fixed: it stops short (no last chunk) and the connection closes.
      assertThat(c.readToEnd()).doesNotContain("0\r\n\r\n");
    }
    await().untilAsserted(() -> assertThat(early.closedByProxy.get()).isEqualTo(1));
    assertThat(early.completed.get()).isZero();
  }

  @Test
  void slowHeadIs408() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET / HTTP/1.1\r\nHo");
      assertClosedWith(c, 408);
    }
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void slowBodyIs408AndTheUpstreamRequestIsCut() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(post("/", "Content-Length: 50") + "x".repeat(10));
      assertClosedWith(c, 408);
    }
    await().untilAsserted(() -> assertThat(backend.closedByProxy.get()).isEqualTo(1));
    assertThat(backend.completed.get()).isZero();
  }

  @Test
  void idleKeepAliveConnectionIsNoSlowHead() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      // Longer than the head timeout with no byte sent: the timer starts at a head's first byte.
      await().pollDelay(Duration.ofMillis(700)).until(() -> true);
      c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
    }
    assertThat(backend.completed.get()).isEqualTo(2);
  }

  @Test
  void connectionsOverTheBoundAreClosedAtOnce() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp c = RawHttp.connect(port);
        open.add(c);
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
      assertThat(proxy.runtime.openConnections()).isEqualTo(3);
      try (RawHttp over = RawHttp.connect(port)) {
        assertThat(over.closedByPeer()).isTrue();
      }
      open.remove(0).close();
      await().until(() -> proxy.runtime.openConnections() == 2);
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
    assertThat(backend.completed.get()).isEqualTo(4);
  }

  @Test
  void pipelinedRequestsOverTheBoundGet503InOrder() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      // One in flight and two waiting are allowed; the fourth is refused, the fifth dropped.
      c.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n".repeat(5));
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.read().status()).isEqualTo(200);
      assertClosedWith(c, 503);
    }
    assertThat(backend.completed.get()).isEqualTo(3);
  }

  @Test
  void upgradesOtherThanWebSocketAreForwardedAsPlainRequests() throws Exception {
    for (String upgrade :
        List.of(
            "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__",
            "Connection: upgrade\r\nUpgrade: foo/2")) {
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n" + upgrade + "\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
      }
    }
    String seen = backend.received().toLowerCase(Locale.ROOT);
    assertThat(backend.completed.get()).isEqualTo(2);
    assertThat(seen).doesNotContain("upgrade").doesNotContain("http2-settings");
  }
}
