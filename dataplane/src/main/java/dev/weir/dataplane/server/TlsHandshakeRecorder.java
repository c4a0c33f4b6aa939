package dev.weir.dataplane.server;

import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.observe.TlsMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Counts a client connection's TLS handshake in {@link TlsMetrics}, between the {@code SniHandler}
 * (which becomes the {@code SslHandler}) and {@code AlpnSelector}: the SNI lookup's event gives the
 * label, through {@link ListenerRuntime#sniLabel}; the handshake's completion event gives the
 * result, and the recorder then leaves the pipeline. A connection whose first bytes are not a TLS
 * hello ends at the SNI lookup and counts as failed. Both events go on to the next handler.
 *
 * <p>Accessed only from the channel's event loop.
 */
final class TlsHandshakeRecorder extends ChannelInboundHandlerAdapter {

  private final ListenerRuntime listener;
  private final TlsMetrics metrics;
  private String sni = "none";

  TlsHandshakeRecorder(ListenerRuntime listener, TlsMetrics metrics) {
    this.listener = listener;
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SniCompletionEvent e) {
      sni = listener.sniLabel(e.hostname());
      if (!e.isSuccess()) {
        done(ctx, false);
      }
    } else if (evt instanceof SslHandshakeCompletionEvent e) {
      done(ctx, e.isSuccess());
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void done(ChannelHandlerContext ctx, boolean ok) {
    metrics.handshake(sni, ok);
    ctx.pipeline().remove(this);
  }
}
