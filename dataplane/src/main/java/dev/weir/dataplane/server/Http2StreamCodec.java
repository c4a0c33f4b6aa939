package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.List;

/**
 * The one handler before a client stream's {@link ProxyHandler}: Netty's HTTP/2 to HTTP/1
 * translation (server side, with header validation), plus the two rules a proxy adds to it.
 *
 * <ul>
 *   <li>RFC 8441 extended CONNECT for WebSocket becomes an HTTP/1.1 upgrade request ({@link
 *       ExtendedConnectDecoder}).
 *   <li>A request head that the translation refuses as malformed (RFC 9113 §8.1.1: say a {@code
 *       Host} that names another entity than {@code :authority}, §8.3.1) becomes a {@link
 *       ProxyError} in the request's place, which the proxy handler answers with 400 before closing
 *       the stream (§8.1.1 lets a server answer before resetting) instead of a bare reset. A
 *       failure in trailers passes on unchanged.
 * </ul>
 *
 * <p>One handler rather than four in each stream's pipeline: a stream is one request, so every
 * handler context is built, walked and dropped once per request. Stateless and shared by all
 * streams ({@link #INSTANCE}); the translation's scheme is kept on the connection's channel.
 */
@ChannelHandler.Sharable
final class Http2StreamCodec extends Http2StreamFrameToHttpObjectCodec {

  /** The one instance: the handler keeps no state. */
  static final Http2StreamCodec INSTANCE = new Http2StreamCodec();

  private Http2StreamCodec() {
    super(true, true);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out)
      throws Exception {
    if (!(frame instanceof Http2HeadersFrame headersFrame)) {
      super.decode(ctx, frame, out);
      return;
    }
    Http2Headers headers = headersFrame.headers();
    boolean upgrade = ExtendedConnectDecoder.rewrite(headers);
    try {
      super.decode(ctx, frame, out);
    } catch (Http2Exception.StreamException refused) {
      if (isTrailers(headersFrame)) {
        throw refused;
      }
      out.add(
          ProxyError.downstream(
              ErrorKind.BAD_REQUEST, "malformed HTTP/2 request: " + refused.getMessage()));
      return;
    }
    if (upgrade) {
      ExtendedConnectDecoder.complete(out);
    }
  }

  /** The translation's own rule: a HEADERS frame that ends the stream without a head's fields. */
  private static boolean isTrailers(Http2HeadersFrame frame) {
    Http2Headers h = frame.headers();
    return frame.isEndStream() && h.method() == null && h.status() == null;
  }
}
