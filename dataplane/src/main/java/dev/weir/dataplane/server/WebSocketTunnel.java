package dev.weir.dataplane.server;

import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns a client connection (or, for RFC 8441, a client's HTTP/2 stream: {@link
 * Http2WebSocketTunnel}) and an upstream connection into a byte tunnel once the upstream accepted a
 * WebSocket opening handshake with {@code 101 Switching Protocols} (RFC 6455 §4.2.2, RFC 9110
 * §7.8): the 101 goes down, then both pipelines lose their HTTP handlers and get a {@link
 * TunnelHandler} each. From then on the proxy does not look at the bytes; the tunnel pins nothing
 * but its two channels, so it outlives config snapshot swaps.
 *
 * <p>Order matters on both sides: the 101 is encoded (synchronously, on write) before the response
 * encoder leaves; the client's pipeline is a tunnel before the upstream codec is removed, since
 * removing it hands on any bytes the upstream already sent past the 101. The client sent nothing
 * past its handshake (RFC 6455 §4.1: it waits for the 101), so its decoder holds nothing.
 *
 * <p>Called on the channels' event loop. Stateless.
 */
final class WebSocketTunnel {

  private WebSocketTunnel() {}

  /**
   * Sends {@code response} (a 101 whose fields the filters already handled) down {@code down}, and
   * tunnels {@code down} and {@code up} from then on. The response's buffers are released here.
   */
  static void open(ChannelHandlerContext down, Channel up, HttpResponse response) {
    if (down.channel() instanceof Http2StreamChannel) {
      Http2WebSocketTunnel.open(down, up, response);
      return;
    }
    Channel client = down.channel();
    ChannelPipeline dp = down.pipeline();
    // A full response with no body: the encoder writes the head and nothing more (RFC 9110 §15.2).
    dp.write(
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            response.status(),
            Unpooled.EMPTY_BUFFER,
            response.headers(),
            EmptyHttpHeaders.INSTANCE));
    ReferenceCountUtil.release(response);
    dp.remove(HttpResponseEncoder.class);
    dp.replace(ProxyHandler.class, "tunnel", new TunnelHandler(up));
    dp.remove(ProxyRequestDecoder.class);
    client.flush();
    UpstreamPool.detachForTunnel(up, new TunnelHandler(client));
    client.config().setAutoRead(true);
    up.config().setAutoRead(true);
  }
}
