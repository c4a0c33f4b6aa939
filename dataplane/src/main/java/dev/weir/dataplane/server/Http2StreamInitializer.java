package dev.weir.dataplane.server;

import dev.weir.dataplane.observe.ConnectionMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.Supplier;

/**
 * Builds each client stream's pipeline, {@code Http2StreamCodec → ProxyHandler}, in the place the
 * multiplexer gave it, and steps aside. It does what a {@code ChannelInitializer} does for a
 * stream, without the initializer's concurrent bookkeeping (a stream channel is registered on its
 * connection's event loop before its handlers are added, so {@link #handlerAdded} runs once,
 * there).
 *
 * <p>Each stream reads one message at a time, as an HTTP/1 connection does: its proxy handler asks
 * for each. Shared by the streams of one connection; called on its event loop.
 */
@ChannelHandler.Sharable
final class Http2StreamInitializer extends ChannelHandlerAdapter {

  private final ConnectionMetrics metrics;
  private final Supplier<ChannelHandler> proxyHandlers;

  /**
   * @param proxyHandlers makes a new proxy handler for each stream
   */
  Http2StreamInitializer(ConnectionMetrics metrics, Supplier<ChannelHandler> proxyHandlers) {
    this.metrics = metrics;
    this.proxyHandlers = proxyHandlers;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel stream = ctx.channel();
    stream.config().setAutoRead(false);
    metrics.streamOpened(stream);
    // Named, so that the pipeline need not make up (and check) a name for each.
    ctx.pipeline()
        .addLast("h2-stream", Http2StreamCodec.INSTANCE)
        .addLast("proxy", proxyHandlers.get())
        .remove(this);
  }
}
