package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.forwardAll;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyUpstreamFailuresIT {

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

  private void routeTo(ScriptedBackend backend) throws Exception {
    proxy.apply(forwardAll(port, backend.port()));
  }

  @Test
  void idleConnectionsToVanishedEndpointsAreClosedOnSwap() throws Exception {
    String reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    try (ScriptedBackend old = new ScriptedBackend(reply, false);
        ScriptedBackend next = new ScriptedBackend(reply, false)) {
      routeTo(old);
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
      assertThat(old.closedByProxy.get()).isZero();
      routeTo(next);
      org.awaitility.Awaitility.await().until(() -> old.closedByProxy.get() == 1);
    }
  }

  @Test
  void malformedResponseIs502() throws Exception {
    try (ScriptedBackend backend = new ScriptedBackend("NOT HTTP AT ALL\r\n\r\n", false)) {
      routeTo(backend);
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).contains("request id " + r.header("x-request-id"));
      }
    }
  }

  @Test
  void closeBeforeAnyResponseIs502() throws Exception {
    try (ScriptedBackend backend = new ScriptedBackend("", true)) {
      routeTo(backend);
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(502);
      }
    }
  }

  @Test
  void closeInTheMiddleOfTheBodyClosesTheClientConnection() throws Exception {
    String partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b";
    try (ScriptedBackend backend = new ScriptedBackend(partial, true)) {
      routeTo(backend);
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        RawHttp.Response r = c.read();
        // The head went out already: the only honest signal left is closing the connection
        // before the announced length (a 502 here would be a second response).
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("only ten b");
        assertThat(c.closedByPeer()).isTrue();
      }
    }
  }

  @Test
  void bodyDelimitedByCloseIsRelayedChunkedAndTheConnectionIsNotReused() throws Exception {
    String reply = "HTTP/1.1 200 OK\r\n\r\nuntil the end";
    try (ScriptedBackend backend = new ScriptedBackend(reply, true)) {
      routeTo(backend);
      try (RawHttp c = RawHttp.connect(port)) {
        c.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(r.body()).isEqualTo("until the end");
        c.send("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().body()).isEqualTo("until the end");
      }
      assertThat(backend.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void idleConnectionClosedByTheUpstreamIsNotReused() throws Exception {
    // Keep-alive response, then the backend closes the idle connection: whether the proxy saw
    // the close before the next request (pool drops it) or only after reusing it (one safe
    // retry on a new connection), the client never sees an error.
    String reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    try (ScriptedBackend backend = new ScriptedBackend(reply, true)) {
      routeTo(backend);
      try (RawHttp c = RawHttp.connect(port)) {
        for (int i = 0; i < 3; i++) {
          c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
          RawHttp.Response r = c.read();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.body()).isEqualTo("ok");
          int expected = i + 1;
          org.awaitility.Awaitility.await().until(() -> backend.connections.get() == expected);
          // Let the proxy see the close of the pooled connection before the next request.
          Thread.sleep(50);
        }
      }
    }
  }
}
