package dev.weir.dataplane.server;

import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.config.RuntimeConfig;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.upstream.Http2CloseWhenIdle;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Mapping;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds a client connection's pipeline from the config current when it is accepted:
 *
 * <pre>
 * (ConnectionLimit) IdleStateHandler → (PrefaceDetector | SniHandler → SslHandler → AlpnSelector), then
 *   HTTP/1.x: ProxyRequestDecoder + HttpResponseEncoder → ProxyHandler
 *   HTTP/2:   Http2FrameCodec → Http2MultiplexHandler → Http2CloseWhenIdle, and per stream
 *             Http2StreamFrameToHttpObjectCodec → ProxyHandler
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

  /** SETTINGS_MAX_CONCURRENT_STREAMS we announce (RFC 9113 §6.5.2 recommends at least 100). */
  static final int MAX_CONCURRENT_STREAMS = 100;

  /** SETTINGS_MAX_HEADER_LIST_SIZE we announce, as the HTTP/1 header section limit. */
  static final long MAX_HEADER_LIST_SIZE = 16 * 1024;

  private final int port;
  private final Supplier<RuntimeConfig> config;
  private final ProxySettings settings;
  private final UpstreamPools pools;
  private final FilterChain filters;
  private final ConnectionLimit connections;

  ProxyInitializer(
      int port,
      Supplier<RuntimeConfig> config,
      ProxySettings settings,
      UpstreamPools pools,
      FilterChain filters,
      ConnectionLimit connections) {
    this.port = port;
    this.config = config;
    this.settings = settings;
    this.pools = pools;
    this.filters = filters;
    this.connections = connections;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    RuntimeConfig pinned = config.get();
    ListenerRuntime listener = pinned == null ? null : pinned.listener(port);
    if (listener == null || !connections.admit(ch)) {
      // Accepted in the instant between a snapshot removing this port and the socket closing, or
      // over the connection bound.
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    p.addLast(
        new IdleStateHandler(
            0, 0, settings.downstreamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    Pipelines pipelines = new Pipelines(listener);
    if (listener.secure()) {
      p.addLast(new SniHandler((Mapping<String, SslContext>) listener::certificateFor));
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
      ctx.pipeline()
          .addLast(
              new ProxyRequestDecoder(settings),
              new HttpResponseEncoder(),
              new ProxyHandler(port, listener, config, settings, pools, filters));
      // The proxy handler starts reading when told the connection is active.
      ctx.fireChannelActive();
    }

    @Override
    public void http2(ChannelHandlerContext ctx) {
      Http2FrameCodec codec =
          Http2FrameCodecBuilder.forServer()
              .initialSettings(
                  Http2Settings.defaultSettings()
                      .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                      .maxHeaderListSize(MAX_HEADER_LIST_SIZE))
              .build();
      ChannelInitializer<Http2StreamChannel> stream =
          new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
              // One message at a time, as on an HTTP/1 connection: the handler asks for each.
              ch.config().setAutoRead(false);
              ch.pipeline()
                  .addLast(
                      new Http2StreamFrameToHttpObjectCodec(true),
                      new ProxyHandler(port, listener, config, settings, pools, filters));
            }
          };
      ctx.pipeline()
          .addLast(codec, new Http2MultiplexHandler(stream), new Http2CloseWhenIdle(codec));
      ctx.fireChannelActive();
      // The connection is read all the time: HTTP/2 flow control works per stream, and a stream's
      // channel is read only when its handler asks.
      ctx.channel().config().setAutoRead(true);
    }
  }
}
