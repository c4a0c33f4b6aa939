package dev.weir.dataplane.server;

import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;

/**
 * The RFC 8441 counterpart of {@link WebSocketTunnel}: once the HTTP/1.1 upstream accepted the
 * handshake that {@link ExtendedConnectDecoder} made from an extended CONNECT, the client's stream
 * gets {@code :status 200} (RFC 8441 §5) and from then on carries the WebSocket bytes in DATA
 * frames while the upstream connection carries them raw. The stream's end (END_STREAM) closes the
 * upstream; the upstream's close ends the stream.
 *
 * <p>Flow control as in every {@link TunnelRelay}: a side stops reading while its peer is not
 * writable (for the stream, while the client's window is exhausted). The tunnel pins only its two
 * channels, so it outlives snapshot swaps. Called on the channels' event loop (shared). Each buffer
 * read is passed on by write, which releases it.
 */
final class Http2WebSocketTunnel {

  private Http2WebSocketTunnel() {}

  /** Answers the client's stream {@code down} with 200 and tunnels it to {@code up}. */
  static void open(ChannelHandlerContext down, Channel up, HttpResponse response) {
    Channel stream = down.channel();
    Http2Headers headers = new DefaultHttp2Headers().status("200");
    // The negotiated subprotocol and extensions carry over (RFC 8441 §5); the accept does not.
    for (var name :
        new CharSequence[] {
          HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS
        }) {
      String value = response.headers().get(name);
      if (value != null) {
        headers.set(name, value);
      }
    }
    ReferenceCountUtil.release(response);
    ChannelPipeline sp = stream.pipeline();
    sp.remove(Http2StreamCodec.class);
    sp.replace(ProxyHandler.class, "tunnel", new FromStream(up));
    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers));
    UpstreamPool.detachForTunnel(up, new FromUpstream(stream));
    stream.config().setAutoRead(true);
    up.config().setAutoRead(true);
  }

  /** On the client's stream: DATA payloads go to the upstream as raw bytes. */
  private static final class FromStream extends TunnelRelay {
    FromStream(Channel up) {
      super(up);
    }

    @Override
    Object toPeer(Object msg) {
      // Headers (trailers) or anything else have no place in the tunnel.
      return msg instanceof Http2DataFrame data ? data.content() : null;
    }

    @Override
    boolean isLast(Object msg) {
      return ((Http2DataFrame) msg).isEndStream();
    }

    // channelInactive as inherited: the stream ended or was reset (RST_STREAM), the upstream goes
    // with it.
  }

  /** On the upstream connection: raw bytes go to the client's stream as DATA frames. */
  private static final class FromUpstream extends TunnelRelay {
    FromUpstream(Channel stream) {
      super(stream);
    }

    @Override
    Object toPeer(Object msg) {
      return msg instanceof ByteBuf buf ? new DefaultHttp2DataFrame(buf) : null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // RFC 8441 §4: the upstream's close ends the stream cleanly with END_STREAM.
      if (peer.isActive()) {
        peer.writeAndFlush(new DefaultHttp2DataFrame(true))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
