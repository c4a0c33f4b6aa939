package dev.weir.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Drains an HTTP/2 client connection on {@link DrainSignal}: sends GOAWAY with NO_ERROR and the
 * last stream id the proxy took (RFC 9113 §6.8), so the client opens new streams elsewhere while
 * the streams already taken run to their end, then closes the connection when no stream is left.
 *
 * <p>Last handler of the connection's pipeline, after the frame codec and the multiplexer. Accessed
 * only from the channel's event loop. Owns no buffers.
 */
final class Http2DrainHandler extends ChannelInboundHandlerAdapter {

  private final Http2FrameCodec codec;
  private boolean draining;

  Http2DrainHandler(Http2FrameCodec codec) {
    this.codec = codec;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt != DrainSignal.INSTANCE) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (draining) {
      return;
    }
    draining = true;
    // The codec fills in the last stream id; streams the client opens after it are ignored.
    ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    Http2Connection connection = codec.connection();
    connection.addListener(
        new Http2ConnectionAdapter() {
          @Override
          public void onStreamClosed(Http2Stream stream) {
            // Checked once the codec's bookkeeping for this stream is done.
            ctx.executor().execute(() -> closeIfIdle(ctx));
          }
        });
    closeIfIdle(ctx);
  }

  private void closeIfIdle(ChannelHandlerContext ctx) {
    if (codec.connection().numActiveStreams() == 0) {
      ctx.close();
    }
  }
}
