package dev.weir.dataplane.server;

import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.config.RuntimeConfig;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
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
 * IdleStateHandler → [SniHandler → SslHandler] → ProxyRequestDecoder + HttpResponseEncoder
 *   → ProxyHandler
 * </pre>
 *
 * For HTTPS the {@link SniHandler} picks the certificate from the listener of that pinned config,
 * so a rotated certificate serves new handshakes while live connections keep theirs. The proxy
 * handler takes one decoded message at a time, which is what lets it stop reading while a request
 * is in flight (pipelining) and pace request bodies to the upstream. Stateless and shared by all
 * connections of one port.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {

  private final int port;
  private final Supplier<RuntimeConfig> config;
  private final ProxySettings settings;
  private final UpstreamPools pools;
  private final FilterChain filters;

  ProxyInitializer(
      int port,
      Supplier<RuntimeConfig> config,
      ProxySettings settings,
      UpstreamPools pools,
      FilterChain filters) {
    this.port = port;
    this.config = config;
    this.settings = settings;
    this.pools = pools;
    this.filters = filters;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    RuntimeConfig pinned = config.get();
    ListenerRuntime listener = pinned == null ? null : pinned.listener(port);
    if (listener == null) {
      // Accepted in the instant between a snapshot removing this port and the socket closing.
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    p.addLast(
        new IdleStateHandler(
            0, 0, settings.downstreamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    if (listener.secure()) {
      p.addLast(new SniHandler((Mapping<String, SslContext>) listener::certificateFor));
    }
    p.addLast(new ProxyRequestDecoder(settings));
    p.addLast(new HttpResponseEncoder());
    p.addLast(new ProxyHandler(port, listener, config, settings, pools, filters));
  }
}
