package dev.weir.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drains an HTTP/2 client connection on {@link DrainSignal} with the two-step GOAWAY of RFC 9113
 * §6.8:
 *
 * <ol>
 *   <li>GOAWAY (NO_ERROR) with last stream id 2^31-1, and a PING: the client stops opening streams,
 *       while streams it opened before it read the GOAWAY are still taken and served.
 *   <li>On the PING's ACK, or after {@code pingAckTimeout} if no ACK comes, a second GOAWAY with
 *       the last stream id the proxy took. The client writes the ACK after it read the GOAWAY, so
 *       every stream it opened before then reached the proxy ahead of the ACK (one TCP stream).
 *       Streams above it are not processed (Netty ignores their frames), so the client may retry
 *       them elsewhere.
 * </ol>
 *
 * <p>The streams taken run to their end, then the connection closes; the drain period of {@link
 * ProxyRuntime#drain} bounds how long that may take.
 *
 * <p>Last handler of the connection's pipeline, after the frame codec and the multiplexer. Accessed
 * only from the channel's event loop. Owns no buffers (PING frames carry a long, not a buffer).
 */
final class Http2DrainHandler extends ChannelInboundHandlerAdapter {

  /** How long the first step waits for the PING's ACK before it sends the final GOAWAY anyway. */
  static final Duration PING_ACK_TIMEOUT = Duration.ofSeconds(1);

  /** The drain PING's opaque data (RFC 9113 §6.7), "WeirDrn!", told apart from other PINGs. */
  static final long DRAIN_PING = 0x5765_6972_4472_6e21L;

  private enum Phase {
    SERVING,
    ANNOUNCED,
    FINAL
  }

  private final Http2FrameCodec codec;
  private final Duration pingAckTimeout;
  private Phase phase = Phase.SERVING;
  private ScheduledFuture<?> ackTimer;

  Http2DrainHandler(Http2FrameCodec codec, Duration pingAckTimeout) {
    this.codec = codec;
    this.pingAckTimeout = pingAckTimeout;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt != DrainSignal.INSTANCE) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (phase != Phase.SERVING) {
      return;
    }
    phase = Phase.ANNOUNCED;
    // The codec sets the last stream id to the last one created plus twice the extra ids, capped
    // at 2^31-1: with 2^31-1 extra ids, that cap.
    ctx.write(
        new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
    ctx.writeAndFlush(new DefaultHttp2PingFrame(DRAIN_PING));
    ackTimer =
        ctx.executor()
            .schedule(() -> finalGoAway(ctx), pingAckTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2PingFrame ping && ping.ack() && ping.content() == DRAIN_PING) {
      finalGoAway(ctx);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    ctx.fireChannelInactive();
  }

  /** Step two: the real last stream id, then close once the streams taken are done. */
  private void finalGoAway(ChannelHandlerContext ctx) {
    if (phase != Phase.ANNOUNCED) {
      return;
    }
    phase = Phase.FINAL;
    cancelTimer();
    if (!ctx.channel().isActive()) {
      return;
    }
    // The codec fills in the last stream it created; it never raises it (RFC 9113 §6.8: the
    // last stream id must not increase between GOAWAY frames).
    ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    codec
        .connection()
        .addListener(
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

  private void cancelTimer() {
    if (ackTimer != null) {
      ackTimer.cancel(false);
      ackTimer = null;
    }
  }
}
