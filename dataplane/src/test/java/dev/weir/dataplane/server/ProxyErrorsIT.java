package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.direct;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.config.v1.Cluster;
import dev.weir.testing.EchoServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyErrorsIT {

  private EchoServer backend;
  private ProxyFixture proxy;
  private int port;
  private int closedPort;

  @BeforeEach
  void start() throws Exception {
    backend = EchoServer.start("backend");
    proxy = new ProxyFixture();
    port = freePort();
    closedPort = freePort();
    proxy.apply(
        snapshot()
            .addListeners(http("web", port, "rt"))
            .addRouteTables(
                table(
                    "rt",
                    vhost(
                        "app",
                        List.of("*"),
                        prefix("dead", "/dead", "dead"),
                        prefix("empty", "/empty", "empty"),
                        prefix("slow", "/slow", "slow"),
                        prefix("retry", "/retry", "retry"),
                        direct("maintenance", "/maintenance", 503, "down for maintenance\n"),
                        prefix("ok", "/ok", "ok"))))
            .addClusters(cluster("dead", closedPort))
            .addClusters(cluster("empty"))
            .addClusters(
                Cluster.newBuilder(cluster("slow", backend.port())).setResponseTimeoutMs(200))
            .addClusters(cluster("retry", closedPort, backend.port()))
            .addClusters(cluster("ok", backend.port()))
            .build());
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  private static void assertError(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).isEqualTo(status);
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(r.body()).startsWith(String.valueOf(status)).contains("request id " + id);
  }

  @Test
  void noRouteIs404() throws Exception {
    assertError(proxy.get(port, "/nothing-here"), 404);
  }

  @Test
  void connectFailureIs502() throws Exception {
    assertError(proxy.get(port, "/dead"), 502);
  }

  @Test
  void clusterWithoutEndpointsIs503() throws Exception {
    assertError(proxy.get(port, "/empty"), 503);
  }

  @Test
  void responseTimeoutIs504() throws Exception {
    assertError(proxy.get(port, "/slow/2000"), 504);
    // The connection that timed out is not reused: the next request is served normally.
    assertThat(proxy.get(port, "/slow/10").statusCode()).isEqualTo(200);
  }

  @Test
  void directResponseAnswersWithoutUpstream() throws Exception {
    HttpResponse<String> r = proxy.get(port, "/maintenance");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("down for maintenance\n");
    assertThat(backend.requests()).isZero();
  }

  @Test
  void failedConnectIsRetriedOnceOnAnotherEndpoint() throws Exception {
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = proxy.get(port, "/retry/" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-backend")).hasValue("backend");
    }
  }

  @Test
  void errorKeepsTheClientConnectionForTheNextRequest() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET /nothing HTTP/1.1\r\nHost: a\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(404);
      assertThat(c.read().status()).isEqualTo(200);
    }
  }

  @Test
  void malformedRequestsAre400AndClose() throws Exception {
    for (String request :
        List.of(
            "GET /ok HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /ok HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "GET /ok HTTP/1.1\r\n\r\n",
            "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /ok HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")) {
      try (RawHttp c = RawHttp.connect(port)) {
        c.send(request);
        RawHttp.Response r = c.read();
        assertThat(r.status()).as(request).isEqualTo(400);
        assertThat(r.body()).contains("request id " + r.header("x-request-id"));
        assertThat(c.closedByPeer()).isTrue();
      }
    }
    assertThat(backend.requests()).isZero();
  }

  @Test
  void tooLongRequestLineIs414() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET /ok/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(414);
    }
  }

  @Test
  void tooLargeOrTooManyHeadersAre431() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("GET /ok HTTP/1.1\r\nHost: a\r\nx-big: " + "b".repeat(17000) + "\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(431);
    }
    StringBuilder many = new StringBuilder("GET /ok HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 120; i++) {
      many.append("x-h").append(i).append(": v\r\n");
    }
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(many.append("\r\n").toString());
      assertThat(c.read().status()).isEqualTo(431);
    }
  }
}
