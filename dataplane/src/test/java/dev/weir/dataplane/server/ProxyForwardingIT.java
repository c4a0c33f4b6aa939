package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.testing.EchoServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyForwardingIT {

  private EchoServer alpha;
  private EchoServer beta;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    alpha = EchoServer.start("alpha");
    beta = EchoServer.start("beta");
    proxy = new ProxyFixture();
    port = freePort();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(
                table(
                    "rt",
                    vhost("shop", List.of("shop.example.com"), prefix("cart", "/cart", "beta")),
                    vhost("any", List.of("*"), prefix("all", "/", "alpha"))))
            .addClusters(cluster("alpha", alpha.port()))
            .addClusters(cluster("beta", beta.port()))
            .build());
  }

  @AfterEach
  void stop() {
    proxy.close();
    alpha.close();
    beta.close();
  }

  @Test
  void getIsForwardedWithForwardedHeadersAndRequestId() throws Exception {
    HttpResponse<String> r = proxy.get(port, "/hello?x=1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-backend")).hasValue("alpha");
    String requestId = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(requestId).hasSize(32);
    assertThat(r.body())
        .contains("uri=/hello?x=1")
        .contains("header x-forwarded-for: 127.0.0.1")
        .contains("header x-forwarded-proto: http")
        .contains("header x-forwarded-host: 127.0.0.1:" + port)
        .contains("header x-request-id: " + requestId)
        .contains("header host: 127.0.0.1:" + port);
  }

  @Test
  void hopByHopHeadersAreRemovedAndHostIsPreserved() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(
          "GET /cart/items HTTP/1.1\r\nHost: Shop.Example.com:80\r\n"
              + "Connection: keep-alive, x-secret\r\nx-secret: s\r\nKeep-Alive: timeout=5\r\n"
              + "Proxy-Connection: keep-alive\r\nTE: gzip\r\nUpgrade: h2c\r\n"
              + "X-Forwarded-For: 10.0.0.1\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-backend")).isEqualTo("beta");
      assertThat(r.body())
          .contains("header host: Shop.Example.com:80")
          .contains("header x-forwarded-for: 10.0.0.1, 127.0.0.1")
          .contains("header x-forwarded-host: Shop.Example.com:80")
          .doesNotContain("x-secret")
          .doesNotContain("keep-alive")
          .doesNotContain("proxy-connection")
          .doesNotContain("header te:")
          .doesNotContain("upgrade");
    }
  }

  @Test
  void postBodiesWithContentLengthAndChunkedAreEchoed() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
      RawHttp.Response first = c.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).endsWith("hello");
      c.send(
          "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
      RawHttp.Response second = c.read();
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).contains("header transfer-encoding: chunked").endsWith("abcdefg");
    }
  }

  @Test
  void largeBodiesStreamByteExactBothWays() throws Exception {
    int size = Integer.getInteger("bigsize", 32 * 1024 * 1024);
    byte[] chunk = new byte[64 * 1024];
    new Random(7).nextBytes(chunk);
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < size / chunk.length; i++) {
      sent.update(chunk);
    }
    HttpRequest upload =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
            .timeout(Duration.ofSeconds(60))
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new RepeatingStream(chunk, size / chunk.length)))
            .build();
    HttpResponse<InputStream> r =
        proxy.client.send(upload, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    MessageDigest received = MessageDigest.getInstance("SHA-256");
    long total = 0;
    try (InputStream in = r.body()) {
      // The echo starts with a text head; the uploaded bytes follow its blank-line-free lines.
      byte[] buf = new byte[64 * 1024];
      byte[] all = in.readAllBytes();
      int bodyStart = all.length - size;
      assertThat(bodyStart).isPositive();
      received.update(all, bodyStart, size);
      total = all.length - bodyStart;
      assertThat(buf).isNotNull();
    }
    assertThat(total).isEqualTo(size);
    assertThat(HexFormat.of().formatHex(received.digest()))
        .isEqualTo(HexFormat.of().formatHex(sent.digest()));

    HttpResponse<byte[]> download =
        proxy.client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bytes/" + size))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).hasSize(size);
  }

  @Test
  void keepAliveReusesTheUpstreamConnection() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET /r" + i + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    }
    // Five client connections, possibly on both io threads: at most one upstream each.
    assertThat(alpha.requests()).isEqualTo(5);
    assertThat(alpha.connectionsAccepted()).isLessThanOrEqualTo(2);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(
          "GET /slow/300 HTTP/1.1\r\nHost: a\r\n\r\n"
              + "GET /first-fast HTTP/1.1\r\nHost: shop.example.com\r\n\r\n"
              + "GET /cart/x HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
      RawHttp.Response one = c.read();
      RawHttp.Response two = c.read();
      RawHttp.Response three = c.read();
      assertThat(one.body()).contains("uri=/slow/300");
      assertThat(two.status()).isEqualTo(404);
      assertThat(three.body()).contains("uri=/cart/x");
      assertThat(three.header("x-backend")).isEqualTo("beta");
    }
  }

  @Test
  void http10AndConnectionCloseAreHonoured() throws Exception {
    for (int i = 0; i < 6; i++) {
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET /old HTTP/1.0\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(200);
        // No Host from the client: the upstream's HTTP/1.1 request names the endpoint (RFC 9112
        // §3.2), and its connection is reused by the next clients.
        assertThat(r.body())
            .contains("uri=/old")
            .contains("protocol=HTTP/1.1")
            .contains("header host: 127.0.0.1:" + alpha.port());
        assertThat(c.closedByPeer()).isTrue();
      }
    }
    // At most one upstream connection per event loop (the fixture runs two), not one per request.
    assertThat(alpha.connectionsAccepted()).isLessThanOrEqualTo(2);
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET /bye HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  /** Yields {@code chunk} {@code times} times without holding more than one copy. */
  private static final class RepeatingStream extends InputStream {
    private final byte[] chunk;
    private int remaining;
    private int pos;

    RepeatingStream(byte[] chunk, int times) {
      this.chunk = chunk;
      this.remaining = times;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      if (pos == chunk.length) {
        pos = 0;
        remaining--;
      }
      return n;
    }
  }
}
