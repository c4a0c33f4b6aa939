package dev.weir.dataplane.server;

import static dev.weir.dataplane.server.RawH2.DATA;
import static dev.weir.dataplane.server.RawH2.END_STREAM;
import static dev.weir.dataplane.server.RawH2.HEADERS;
import static dev.weir.dataplane.server.RawH2.SETTINGS;
import static dev.weir.dataplane.server.Snapshots.cluster;
import static dev.weir.dataplane.server.Snapshots.freePort;
import static dev.weir.dataplane.server.Snapshots.http;
import static dev.weir.dataplane.server.Snapshots.prefix;
import static dev.weir.dataplane.server.Snapshots.snapshot;
import static dev.weir.dataplane.server.Snapshots.table;
import static dev.weir.dataplane.server.Snapshots.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.testing.WebSocketEchoServer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket over HTTP/2 (RFC 8441) to an HTTP/1.1 WebSocket backend: an extended CONNECT on an h2c
 * stream, then WebSocket frames (RFC 6455 §5) in DATA frames both ways, across a snapshot swap.
 */
class ProxyWebSocketH2IT {

  private WebSocketEchoServer ws;
  private ProxyFixture proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ws = WebSocketEchoServer.start("ws");
    proxy = new ProxyFixture();
    port = freePort();
    proxy.apply(config("v1"));
  }

  private dev.weir.api.config.v1.ConfigSnapshot config(String marker) {
    return snapshot()
        .addListeners(http("web", port, "rt"))
        .addRouteTables(
            table(
                "rt",
                vhost(
                    "any", List.of("*"), prefix("chat", "/chat", "ws"), prefix(marker, "/", "ws"))))
        .addClusters(cluster("ws", ws.port()))
        .build();
  }

  @AfterEach
  void stop() {
    proxy.close();
    ws.close();
  }

  @Test
  void extendedConnectTunnelsWebSocketFramesToAnHttp1Backend() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      RawH2.Frame settings = h2.await(f -> f.type() == SETTINGS && (f.flags() & 0x1) == 0);
      // RFC 8441 §3: SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8) = 1.
      assertThat(settings.settings()).containsEntry(0x8, 1L);

      h2.headers(1, connect("/chat"), false);
      RawH2.Frame head = h2.await(f -> f.type() == HEADERS && f.streamId() == 1);
      assertThat(head.headers().status().toString()).isEqualTo("200");
      assertThat(head.flags() & END_STREAM).isZero();

      h2.data(1, clientText("hello"), false);
      assertThat(serverText(h2)).isEqualTo("ws: hello");

      // A live tunnel survives a snapshot swap that keeps its route.
      proxy.apply(config("v2"));
      h2.data(1, clientText("after swap"), false);
      assertThat(serverText(h2)).isEqualTo("ws: after swap");

      // RFC 6455 §5.5.1: the backend echoes a close, then the upstream close ends the stream.
      h2.data(1, clientFrame(0x88, new byte[] {0x03, (byte) 0xe8}), false);
      RawH2.Frame end = h2.await(f -> f.streamId() == 1 && (f.flags() & END_STREAM) != 0);
      assertThat(end).isNotNull();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> ws.openConnections() == 0);
  }

  @Test
  void clientResetClosesTheBackendConnection() throws Exception {
    try (RawH2 h2 = RawH2.connect(port)) {
      h2.headers(1, connect("/chat"), false);
      assertThat(h2.await(f -> f.type() == HEADERS && f.streamId() == 1)).isNotNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> ws.openConnections() == 1);

      h2.rstStream(1, 0x8);

      await().atMost(Duration.ofSeconds(5)).until(() -> ws.openConnections() == 0);
      // The connection's other streams are unaffected.
      h2.headers(3, connect("/chat"), false);
      RawH2.Frame head = h2.await(f -> f.type() == HEADERS && f.streamId() == 3);
      assertThat(head.headers().status().toString()).isEqualTo("200");
    }
  }

  private static Http2Headers connect(String path) {
    // RFC 8441 §4: CONNECT with :protocol, and :scheme and :path as for other requests.
    return new DefaultHttp2Headers()
        .method("CONNECT")
        .scheme("http")
        .path(path)
        .authority("chat.test")
        .set(":protocol", "websocket")
        .set("sec-websocket-version", "13");
  }

  /** A masked text frame, as a client must send (RFC 6455 §5.3). */
  private static byte[] clientText(String text) {
    return clientFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] clientFrame(int first, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first);
    out.write(0x80 | payload.length); // short payloads only
    byte[] mask = {1, 2, 3, 4};
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }

  /** The next unmasked text frame from the server, read from the stream's DATA frames. */
  private static String serverText(RawH2 h2) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (true) {
      byte[] b = bytes.toByteArray();
      if (b.length >= 2 && b.length >= 2 + (b[1] & 0x7f)) {
        assertThat(b[0] & 0xff).isEqualTo(0x81);
        return new String(b, 2, b[1] & 0x7f, StandardCharsets.UTF_8);
      }
      RawH2.Frame f = h2.await(x -> x.type() == DATA && x.streamId() == 1);
      assertThat(f).isNotNull();
      bytes.writeBytes(f.payload());
    }
  }
}
