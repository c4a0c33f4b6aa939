package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.WebSocketEchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through the real data plane, modelled on the upstream conformance test {@code
 * HTTPRouteBackendProtocolWebSocket}: a Service port with {@code appProtocol: kubernetes.io/ws}
 * behind an HTTPRoute; the client's opening handshake (RFC 6455 §4) is forwarded with its Upgrade,
 * the backend's 101 comes back, and messages then flow both ways through the tunnel.
 *
 * <p>The route has no hostnames, since the JDK WebSocket client cannot set Host.
 */
class GatewayWebSocketE2E {

  private static GatewayFixture gw;
  private static WebSocketEchoServer ws;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(GatewayWebSocketE2E.class);
    ws = WebSocketEchoServer.start("ws-backend");
    client = HttpClient.newHttpClient();
    gw.service(GatewayFixture.NS, "ws-backend", ws.port(), "kubernetes.io/ws");
    gw.api.apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: backend-protocol-ws, namespace: infra}
        spec:
          parentRefs: [{name: same-namespace}]
          rules:
          - backendRefs: [{name: ws-backend, port: 8080}]
        """);
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(
            () -> {
              connect(new LinkedBlockingQueue<>()).abort();
              return true;
            });
  }

  @AfterAll
  static void stop() {
    try {
      // close() would wait for open WebSockets; their sockets go now.
      client.shutdownNow();
      gw.close();
    } finally {
      ws.close();
    }
  }

  private static WebSocket connect(BlockingQueue<String> received) throws Exception {
    return client
        .newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + gw.port + "/ws"), collector(received))
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  @Tag("feature=HTTPRouteBackendProtocolWebSocket")
  void messagesFlowBothWaysThroughTheGateway() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket = connect(received);
    for (String text : new String[] {"one", "two", "three"}) {
      socket.sendText(text, true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("ws-backend: " + text);
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
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
