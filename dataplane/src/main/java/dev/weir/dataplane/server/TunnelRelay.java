package dev.weir.dataplane.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of a tunnel: relays what its channel reads to the peer channel, with the flow
 * control and lifecycle every tunnel shares. Subclasses say only how a message read becomes the
 * message written ({@link #toPeer}) and whether it is the last one ({@link #isLast}).
 *
 * <p>Flow control (as Netty's HexDumpProxy): when the peer's outbound buffer is full this channel
 * stops reading (auto-read off) until the peer's handler sees it writable again. Lifecycle: a
 * failed write closes this channel; when this channel closes, the peer is closed once what was
 * written to it is flushed ({@link #channelInactive}, overridable); an {@link IdleStateEvent} (the
 * downstream listener's idle timeout) closes the channel that saw it.
 *
 * <p>Accessed only from the channels' event loop (both channels share it). Reference counting: a
 * message relayed is passed on by write, which releases it; a message not relayed is released here.
 */
abstract class TunnelRelay extends ChannelInboundHandlerAdapter {

  /** The channel this direction writes to. */
  protected final Channel peer;

  TunnelRelay(Channel peer) {
    this.peer = peer;
  }

  /**
   * The message to write to the peer for {@code msg}, sharing its buffer, or {@code null} when
   * {@code msg} has no place in the tunnel (it is then released here).
   */
  abstract Object toPeer(Object msg);

  /** Whether {@code msg} (a message {@link #toPeer} relays) ends this direction. */
  boolean isLast(Object msg) {
    return false;
  }

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    Object out = peer.isActive() ? toPeer(msg) : null;
    if (out == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    boolean last = isLast(msg);
    peer.writeAndFlush(out)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ctx.close();
              }
            });
    if (last) {
      closeOnFlush(peer);
    } else if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
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
  public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Closes {@code ch} once everything written to it went out. */
  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
