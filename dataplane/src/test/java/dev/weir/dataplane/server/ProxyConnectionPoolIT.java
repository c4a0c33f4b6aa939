package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.Cluster;
import dev.weir.api.config.v1.ConnectionPool;
import dev.weir.testing.EchoServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster's BackendPolicy {@code connection_pool} settings and {@code read_timeout_ms}, over real
 * sockets to {@link GatedBackend}s that count the connections they accept and see closed.
 */
class ProxyConnectionPoolIT {

  private static final String STALL_AFTER_HEAD = "/stall-after-head";
  private static final String STALL_MID_BODY = "/stall-mid-body";

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
  void connectionIsReplacedAfterMaxRequestsPerConnection() throws Exception {
    try (GatedBackend backend = okBackend()) {
      serve(
          cluster(backend)
              .setConnectionPool(ConnectionPool.newBuilder().setMaxRequestsPerConnection(3)));
      // One client connection: every request runs on the same event loop and its pool.
      try (RawHttp c = RawHttp.connect(port)) {
        for (int i = 1; i <= 7; i++) {
          c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
          assertThat(c.read().status()).isEqualTo(200);
          assertThat(backend.accepted.get()).isEqualTo((i + 2) / 3);
        }
      }
      await().until(() -> backend.closed.get() == 2);
      // The proxy's own count: it closes the used-up connection before opening the next, but the
      // backend may accept the next before it reads the old one's FIN, so its count can overlap.
      assertThat(proxy.runtime.configApplier().clusterLoads().of("b").peakConnections())
          .isEqualTo(1);
    }
  }

  @Test
  void http2ConnectionTakesNoNewStreamAfterMaxRequestsPerConnection() throws Exception {
    try (EchoServer backend = EchoServer.startH2c("h2")) {
      serve(
          Snapshots.cluster("b", backend.port()).toBuilder()
              .setProtocol(Cluster.Protocol.H2C)
              .setConnectionPool(ConnectionPool.newBuilder().setMaxRequestsPerConnection(3)));
      try (RawHttp c = RawHttp.connect(port)) {
        for (int i = 1; i <= 7; i++) {
          c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
          assertThat(c.read().status()).isEqualTo(200);
          assertThat(backend.connectionsAccepted()).isEqualTo((i + 2) / 3);
        }
      }
    }
  }

  @Test
  void idleConnectionIsClosedAfterTheClustersIdleTimeout() throws Exception {
    try (GatedBackend backend = okBackend()) {
      serve(cluster(backend).setConnectionPool(ConnectionPool.newBuilder().setIdleTimeoutMs(200)));
      assertThat(proxy.get(port, "/").statusCode()).isEqualTo(200);
      // The data plane's default idle timeout is a minute; the cluster's is 200 ms.
      await().atMost(Duration.ofSeconds(5)).until(() -> backend.closed.get() == 1);
      assertThat(proxy.get(port, "/").statusCode()).isEqualTo(200);
      assertThat(backend.accepted.get()).isEqualTo(2);
    }
  }

  @Test
  void readTimeoutAfterTheHeadIs504() throws Exception {
    try (GatedBackend backend = stallingBackend()) {
      serve(cluster(backend).setReadTimeoutMs(300));
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET " + STALL_AFTER_HEAD + " HTTP/1.1\r\nHost: a\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).startsWith("504 Gateway Timeout");
      }
      // The stalled connection is not reused.
      assertThat(proxy.get(port, "/ok").statusCode()).isEqualTo(200);
      assertThat(backend.accepted.get()).isEqualTo(2);
    }
  }

  @Test
  void readTimeoutMidBodyResetsTheClientConnection() throws Exception {
    try (GatedBackend backend = stallingBackend()) {
      serve(cluster(backend).setReadTimeoutMs(300));
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET " + STALL_MID_BODY + " HTTP/1.1\r\nHost: a\r\n\r\n");
        long start = System.nanoTime();
        String seen = c.readToEnd();
        // The head and the first bytes went down: the connection is closed short of the length.
        assertThat(seen).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nfirst");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      }
      assertThat(proxy.get(port, "/ok").statusCode()).isEqualTo(200);
      assertThat(backend.accepted.get()).isEqualTo(2);
    }
  }

  @Test
  void slowButSteadyBodyOutlastsTheReadTimeout() throws Exception {
    GatedBackend.Responder trickle =
        (path, n, out, b) -> {
          GatedBackend.write(out, "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n");
          for (int i = 0; i < 5; i++) {
            Thread.sleep(150); // each gap is half the read timeout; the whole is 2.5 times it
            GatedBackend.write(out, "x");
          }
        };
    try (GatedBackend backend = new GatedBackend(trickle)) {
      serve(cluster(backend).setReadTimeoutMs(300));
      assertThat(proxy.get(port, "/").body()).isEqualTo("xxxxx");
    }
  }

  private static GatedBackend okBackend() throws Exception {
    return new GatedBackend((path, n, out, b) -> GatedBackend.write(out, GatedBackend.OK));
  }

  private static GatedBackend stallingBackend() throws Exception {
    return new GatedBackend(
        (path, n, out, b) -> {
          if (path.equals("/ok")) {
            GatedBackend.write(out, GatedBackend.OK);
            return;
          }
          String head = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n";
          GatedBackend.write(out, path.equals(STALL_MID_BODY) ? head + "first" : head);
          b.awaitOpen();
        });
  }

  private static Cluster.Builder cluster(GatedBackend backend) {
    return Snapshots.cluster("b", backend.port()).toBuilder();
  }

  private void serve(Cluster.Builder cluster) throws Exception {
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(table("rt", vhost("any", List.of("*"), prefix("all", "/", "b"))))
            .addClusters(cluster)
            .build());
  }
}
