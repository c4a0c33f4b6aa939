package dev.weir.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One side of a {@link WebSocketTunnel}: relays the bytes read from its channel to the peer channel
 * unchanged, once both connections left HTTP after a {@code 101} (RFC 9110 §7.8).
 *
 * <p>Flow control (as Netty's HexDumpProxy): when the peer's outbound buffer is full this channel
 * stops reading (auto-read off) until the peer's handler sees it writable again. Lifecycle: when
 * either channel closes, the other is closed once what was written to it is flushed; an {@link
 * IdleStateEvent} (the downstream listener's idle timeout) closes the channel that saw it.
 *
 * <p>Accessed only from the channels' event loop (both channels share it). Reference counting: each
 * {@link ByteBuf} read is passed on by write, which releases it; anything else (the codec's empty
 * end after the 101) is released here.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {

  private final Channel peer;

  TunnelHandler(Channel peer) {
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf) || !peer.isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    peer.writeAndFlush(buf)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ctx.close();
              }
            });
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      // This side drained: the peer may read (and so write here) again.
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Closes {@code ch} once everything written to it went out. */
  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
