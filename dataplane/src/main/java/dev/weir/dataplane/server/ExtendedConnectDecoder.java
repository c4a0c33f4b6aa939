package dev.weir.dataplane.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.util.Base64;
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
 * <p>An HTTP/2 client cannot send {@code Connection} or {@code Upgrade} itself (RFC 9113 §8.2.2;
 * the codec rejects them), so a stream request carrying them came from here. Other CONNECT requests
 * pass unchanged.
 *
 * <p>Sits on both sides of a client stream's {@code Http2StreamFrameToHttpObjectCodec}: before it,
 * it rewrites the HEADERS frame; after it, it puts back the {@code Connection: Upgrade} that the
 * translation to HTTP/1 drops. Stateless and shared by all streams ({@link #INSTANCE}); changes
 * headers in place and passes every message on.
 */
@ChannelHandler.Sharable
final class ExtendedConnectDecoder extends ChannelInboundHandlerAdapter {

  /** The one instance: the handler keeps no state. */
  static final ExtendedConnectDecoder INSTANCE = new ExtendedConnectDecoder();

  private ExtendedConnectDecoder() {}

  private static final String WEBSOCKET = "websocket";

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2HeadersFrame frame && isWebSocketConnect(frame.headers())) {
      toUpgradeRequest(frame.headers());
    } else if (msg instanceof HttpRequest request
        && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      // Netty's HTTP/2 to HTTP/1 translation drops Connection, a connection-specific field.
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      // The handshake ends here although the stream stays open: DATA frames that follow are the
      // tunnel's, and the proxy handler reads none of them before the upstream answers.
      ctx.fireChannelRead(msg);
      ctx.fireChannelRead(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean isWebSocketConnect(Http2Headers h) {
    CharSequence protocol = h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
    return h.method() != null
        && "CONNECT".contentEquals(h.method())
        && protocol != null
        && WEBSOCKET.equalsIgnoreCase(protocol.toString());
  }

  private static void toUpgradeRequest(Http2Headers h) {
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
  }
}
