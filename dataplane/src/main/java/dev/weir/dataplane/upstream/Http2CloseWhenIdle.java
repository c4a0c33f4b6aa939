package dev.weir.dataplane.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an HTTP/2 connection (client or server side), after a {@link
 * ConnectionIdleTimer}: closes the connection on its idle timeout when no stream is open on it, so
 * a long quiet stream (a gRPC watch) is not cut. Accessed only from the channel's event loop.
 */
public final class Http2CloseWhenIdle extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(Http2CloseWhenIdle.class);

  private final Http2FrameCodec codec;

  /** Watches the streams of {@code codec}'s connection. */
  public Http2CloseWhenIdle(Http2FrameCodec codec) {
    this.codec = codec;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP/2 connection failed: {}", cause.toString());
    if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
      // RFC 9113 §5.4.1: the codec answers a protocol error itself, with GOAWAY carrying the
      // error's code (ENHANCE_YOUR_CALM for a reset flood), then closes; closing here first would
      // send a graceful GOAWAY with NO_ERROR instead.
      return;
    }
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (codec.connection().numActiveStreams() == 0) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
