package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2Exception;

/**
 * Turns a client stream's request head that the HTTP/2 to HTTP/1 translation refused (a malformed
 * request, RFC 9113 §8.1.1: say a {@code Host} that names another entity than {@code :authority},
 * §8.3.1) into a 400 instead of a bare stream reset: a {@link ProxyError} goes to the {@link
 * ProxyHandler} in the request's place, which answers it and closes the stream (§8.1.1 lets a
 * server answer before resetting). Failures after the head (in trailers) pass on unchanged.
 *
 * <p>Sits after the stream's codec; accessed only from the stream channel's event loop.
 */
final class MalformedStreamHeads extends ChannelInboundHandlerAdapter {

  private boolean headSeen;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      headSeen = true;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!headSeen
        && cause instanceof DecoderException
        && cause.getCause() instanceof Http2Exception.StreamException refused) {
      headSeen = true;
      ctx.fireChannelRead(
          ProxyError.downstream(
              ErrorKind.BAD_REQUEST, "malformed HTTP/2 request: " + refused.getMessage()));
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
