package dev.weir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Test;

class WebSocketEchoServerTest {

  private static WebSocketEchoServer server;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = WebSocketEchoServer.start("ws-alpha");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void echoesTextMessagesPrefixedWithItsName() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket ws =
        client
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + server.port() + "/chat"), collector(received))
            .get(5, TimeUnit.SECONDS);
    for (String text : new String[] {"one", "two", "three"}) {
      ws.sendText(text, true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("ws-alpha: " + text);
    }
    // Longer than one frame of the JDK client: sent in fragments, answered whole.
    String big = "y".repeat(100_000);
    ws.sendText(big, true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("ws-alpha: " + big);
    assertThat(server.openConnections()).isEqualTo(1);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
  }

  /** A listener that queues each whole text message. */
  static WebSocket.Listener collector(BlockingQueue<String> received) {
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
