package dev.weir.dataplane.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection ({@code ConnectionIdleTimer → HttpClientCodec → this}).
 * While leased it forwards everything to its {@link UpstreamListener}; while idle in a pool it
 * treats any data, close or idle timeout as the end of the connection and drops it from the pool,
 * which is how a connection the upstream half-closed is never reused.
 *
 * <p>Accessed only from the channel's event loop. Messages passed to the listener are owned by it.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

  private UpstreamListener listener;
  private UpstreamPool pool;
  private UpstreamEndpoint endpoint;
  private int leases;
  // The load counting this connection as idle while parked, or null.
  private ClusterLoad parkedLoad;

  /** Hands the connection to {@code l} until {@link #idle}. */
  void lease(UpstreamListener l) {
    this.listener = l;
    this.pool = null;
    unpark();
    leases++;
  }

  /** How many times the connection was leased: the exchanges it carried or carries. */
  int leases() {
    return leases;
  }

  /**
   * Parks the connection in {@code p}; from now on any event ends it.
   *
   * @param load the cluster load the connection counts against, or null
   */
  void idle(UpstreamPool p, UpstreamEndpoint e, ClusterLoad load) {
    this.listener = null;
    this.pool = p;
    this.endpoint = e;
    if (load != null && parkedLoad == null) {
      parkedLoad = load;
      load.idleChanged(1);
    }
  }

  private void unpark() {
    if (parkedLoad != null) {
      parkedLoad.idleChanged(-1);
      parkedLoad = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener != null) {
      listener.onUpstreamMessage((HttpObject) msg);
    } else {
      // RFC 9112 §9.3: no response is expected on an idle connection; it cannot be reused.
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (listener != null) {
      UpstreamListener l = listener;
      listener = null;
      l.onUpstreamClosed();
    } else if (pool != null) {
      pool.remove(endpoint, ctx.channel());
    }
    unpark();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (listener != null) {
      UpstreamListener l = listener;
      listener = null;
      l.onUpstreamFailure(cause);
    }
    ctx.close();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (listener == null) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
