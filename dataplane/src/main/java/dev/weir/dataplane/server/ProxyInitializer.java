package dev.weir.dataplane.server;

import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.config.RuntimeConfig;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.observe.ConnectionMetrics;
import dev.weir.dataplane.observe.TlsMetrics;
import dev.weir.dataplane.upstream.ConnectionIdleTimer;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds a client connection's pipeline from the config current when it is accepted:
 *
 * <pre>
 * (ClientConnections) ConnectionIdleTimer → (PrefaceDetector
 *   | SniHandler → SslHandler → TlsHandshakeRecorder → AlpnSelector), then
 *   HTTP/1.x: ProxyRequestDecoder + HttpResponseEncoder → Http1DrainHandler → ProxyHandler
 *   HTTP/2:   Http2ServerPipeline (codec, multiplexer, idle and drain handlers), and per stream
 *             (Http2StreamInitializer) Http2StreamCodec → ProxyHandler
 * </pre>
 *
 * A cleartext listener takes HTTP/1.x and HTTP/2 with prior knowledge (told apart by the preface);
 * a TLS listener lets ALPN choose. For HTTPS the {@link SniHandler} picks the certificate from the
 * listener of that pinned config, so a rotated certificate serves new handshakes while live
 * connections keep theirs. Each HTTP/2 stream gets its own {@link ProxyHandler}, so routing,
 * filters, errors and retries work per stream as per HTTP/1 connection; closing a stream's channel
 * resets that stream only. The proxy handler takes one decoded message at a time, which is what
 * lets it stop reading while a request is in flight and pace request bodies to the upstream.
 * Stateless and shared by all connections of one port.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {

  private final int port;
  private final Supplier<RuntimeConfig> config;
  private final ProxySettings settings;
  private final UpstreamPools pools;
  private final FilterChain filters;
  private final ClientConnections connections;
  private final ConnectionMetrics connectionMetrics;
  private final TlsMetrics tlsMetrics;

  ProxyInitializer(
      int port,
      Supplier<RuntimeConfig> config,
      ProxySettings settings,
      UpstreamPools pools,
      FilterChain filters,
      ClientConnections connections,
      ConnectionMetrics connectionMetrics,
      TlsMetrics tlsMetrics) {
    this.port = port;
    this.config = config;
    this.settings = settings;
    this.pools = pools;
    this.filters = filters;
    this.connections = connections;
    this.connectionMetrics = connectionMetrics;
    this.tlsMetrics = tlsMetrics;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    RuntimeConfig pinned = config.get();
    ListenerRuntime listener = pinned == null ? null : pinned.listener(port);
    if (listener == null || !connections.admit(ch)) {
      // Accepted in the instant between a snapshot removing this port and the socket closing, or
      // over the connection bound, or while draining.
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    p.addLast(
        new ConnectionIdleTimer(
            settings.downstreamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    Pipelines pipelines = new Pipelines(listener);
    if (listener.secure()) {
      p.addLast(new SniHandler((Mapping<String, SslContext>) listener::certificateFor));
      p.addLast(new TlsHandshakeRecorder(listener, tlsMetrics));
      p.addLast(new AlpnSelector(pipelines));
    } else {
      p.addLast(new PrefaceDetector(pipelines));
    }
  }

  /** The protocol-specific rest of one connection's pipeline. */
  private final class Pipelines implements ProtocolPipelines {

    private final ListenerRuntime listener;

    Pipelines(ListenerRuntime listener) {
      this.listener = listener;
    }

    @Override
    public void http1(ChannelHandlerContext ctx) {
      connectionMetrics.opened(ConnectionMetrics.Protocol.HTTP1, ctx.channel());
      ctx.pipeline()
          .addLast(
              new ProxyRequestDecoder(settings),
              new HttpResponseEncoder(),
              new Http1DrainHandler(),
              new ProxyHandler(port, listener, config, settings, pools, filters));
      // The proxy handler starts reading when told the connection is active.
      ctx.fireChannelActive();
    }

    @Override
    public void http2(ChannelHandlerContext ctx) {
      connectionMetrics.opened(ConnectionMetrics.Protocol.HTTP2, ctx.channel());
      Http2StreamInitializer stream =
          new Http2StreamInitializer(
              connectionMetrics,
              () -> new ProxyHandler(port, listener, config, settings, pools, filters));
      Http2ServerPipeline.install(ctx, settings.http2(), stream);
      // The connection is read all the time: HTTP/2 flow control works per stream, and a stream's
      // channel is read only when its handler asks.
      ctx.channel().config().setAutoRead(true);
    }
  }
}
