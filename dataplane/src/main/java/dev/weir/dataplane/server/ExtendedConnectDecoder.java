package dev.weir.dataplane.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns an RFC 8441 extended CONNECT for WebSocket ({@code :method CONNECT}, {@code :protocol
 * websocket}, announced by SETTINGS_ENABLE_CONNECT_PROTOCOL) into the HTTP/1.1 opening handshake of
 * RFC 6455 §4.1, so the proxy handler forwards it like an HTTP/1.1 upgrade: {@code GET} with {@code
 * Upgrade: websocket}, {@code Connection: Upgrade} and a fresh {@code Sec-WebSocket-Key} (RFC 8441
 * §5: the HTTP/2 side has no key and gets no accept), keeping the version, subprotocols and
 * extensions the client asked for. When the upstream answers 101, {@link Http2WebSocketTunnel}
 * turns the stream into a tunnel.
 *
 * <p>Used by {@link Http2StreamCodec} on both sides of its HTTP/2 to HTTP/1 translation: before it,
 * {@link #rewrite} changes the HEADERS frame's fields in place; after it, {@link #complete} puts
 * back the {@code Connection: Upgrade} that the translation drops and ends the handshake. Other
 * CONNECT requests pass unchanged. Stateless.
 */
final class ExtendedConnectDecoder {

  private static final String WEBSOCKET = "websocket";

  private ExtendedConnectDecoder() {}

  /**
   * Rewrites {@code h} into an HTTP/1.1 WebSocket handshake if it is an extended CONNECT for
   * WebSocket.
   *
   * @return whether it was one (and was rewritten)
   */
  static boolean rewrite(Http2Headers h) {
    CharSequence method = h.method();
    if (method == null || !"CONNECT".contentEquals(method)) {
      return false;
    }
    CharSequence protocol = h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
    if (protocol == null || !WEBSOCKET.equalsIgnoreCase(protocol.toString())) {
      return false;
    }
    h.remove(Http2Headers.PseudoHeaderName.PROTOCOL.value());
    h.method("GET");
    h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    h.set(HttpHeaderNames.SEC_WEBSOCKET_KEY, Base64.getEncoder().encodeToString(key));
    if (!h.contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION)) {
      h.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
    }
    // The stream stays open for the tunnel, but the handshake itself has no body.
    h.set(HttpHeaderNames.CONTENT_LENGTH, "0");
    return true;
  }

  /**
   * Completes the translated handshake in {@code out}: the HTTP/1 request gets back its {@code
   * Connection: Upgrade}, and an empty last content follows it.
   */
  static void complete(List<Object> out) {
    for (Object msg : out) {
      if (msg instanceof HttpRequest request) {
        // An HTTP/2 client cannot send Connection or Upgrade itself (RFC 9113 §8.2.2; the codec
        // rejects them), and Netty's translation to HTTP/1 drops Connection as connection-specific.
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        // The handshake ends here although the stream stays open: DATA frames that follow are the
        // tunnel's, and the proxy handler reads none of them before the upstream answers.
        out.add(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER));
        return;
      }
    }
  }
}
