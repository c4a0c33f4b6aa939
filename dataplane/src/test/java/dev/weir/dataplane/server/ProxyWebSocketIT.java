package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.config.v1.ConfigSnapshot;
import dev.weir.testing.EchoServer;
import dev.weir.testing.WebSocketEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades (RFC 6455, RFC 9110 §7.8) tunnelled through the HTTP/1.1 proxy. */
class ProxyWebSocketIT {

  private WebSocketEchoServer ws;
  private EchoServer plain;
  private ProxyFixture proxy;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ws = WebSocketEchoServer.start("ws");
    plain = EchoServer.start("plain");
    proxy = new ProxyFixture();
    client = HttpClient.newHttpClient();
    port = freePort();
    proxy.apply(config("ws"));
  }

  @AfterEach
  void stop() {
    // close() would wait for open WebSockets; their sockets go now.
    client.shutdownNow();
    proxy.close();
    ws.close();
    plain.close();
  }

  /** "/plain" goes to the plain echo server, everything else to {@code rootCluster}. */
  private ConfigSnapshot config(String rootCluster) {
    return snapshot()
        .addListeners(http("web", port, "rt"))
        .addRouteTables(
            table(
                "rt",
                vhost(
                    "any",
                    List.of("*"),
                    prefix("plain", "/plain", "plain"),
                    prefix("all", "/", rootCluster))))
        .addClusters(cluster("ws", ws.port()))
        .addClusters(cluster("plain", plain.port()))
        .build();
  }

  private WebSocket connect(String path, BlockingQueue<String> received) throws Exception {
    return client
        .newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + path), collector(received))
        .get(10, TimeUnit.SECONDS);
  }

  private static void exchange(WebSocket socket, BlockingQueue<String> received, String text)
      throws Exception {
    socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("ws: " + text);
  }

  @Test
  void messagesGoBothWaysThroughTheTunnel() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket = connect("/chat", received);
    for (int i = 0; i < 5; i++) {
      exchange(socket, received, "message " + i);
    }
    // A message larger than one read, to cross several buffers both ways.
    String big = "x".repeat(48 * 1024);
    exchange(socket, received, big);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  @Test
  void liveTunnelSurvivesANewSnapshot() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket = connect("/", received);
    exchange(socket, received, "before");

    // The root route now leads to a server that does not speak WebSocket.
    proxy.apply(config("plain"));
    assertThatThrownBy(() -> connect("/", new LinkedBlockingQueue<>()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(WebSocketHandshakeException.class);

    exchange(socket, received, "after");
    exchange(socket, received, "still");
  }

  @Test
  void nonSwitchingAnswerIsRelayedAsAnOrdinaryResponse() throws Exception {
    try (RawHttp c = RawHttp.connect(port)) {
      c.send(
          "GET /plain/x HTTP/1.1\r\nHost: a.example\r\nConnection: keep-alive, Upgrade\r\n"
              + "Upgrade: WebSocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Version: 13\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      // The handshake's fields went upstream, in canonical form; the answer came back as is.
      assertThat(r.body())
          .contains("backend=plain")
          .contains("header upgrade: websocket")
          .contains("header connection: upgrade")
          .contains("header sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==");
      assertThat(r.headers()).doesNotContainKey("upgrade");

      // The connection still carries HTTP: the next request is answered as usual.
      c.send("GET /plain/y HTTP/1.1\r\nHost: a.example\r\n\r\n");
      RawHttp.Response next = c.read();
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).contains("uri=/plain/y").doesNotContain("header upgrade");
    }
  }

  @Test
  void closingTheClientClosesTheUpstream() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket = connect("/", received);
    exchange(socket, received, "hello");
    assertThat(ws.openConnections()).isEqualTo(1);

    // No close handshake: the client's TCP connection just goes away.
    socket.abort();
    await().atMost(Duration.ofSeconds(5)).until(() -> ws.openConnections() == 0);
  }

  /** A listener that queues each whole text message. */
  private static WebSocket.Listener collector(BlockingQueue<String> received) {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          received.add(partial.toString());
          partial.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    };
  }
}
