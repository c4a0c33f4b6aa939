package dev.weir.dataplane.upstream;

import dev.weir.dataplane.lb.InFlightRequests;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The upstream connections of one event loop: idle keep-alive connections by endpoint, and new
 * connections made on this loop with auto-read off (the exchange reads when the client can take
 * more). Keyed by endpoint, not by config version, so a snapshot swap keeps warm connections.
 *
 * <p>Accessed only from its event loop; that is why it needs no locks.
 */
public final class UpstreamPool {

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final int maxIdlePerEndpoint;
  private final Map<UpstreamEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();
  private final Http2Connections h2c;
  private final InFlightRequests<UpstreamEndpoint> inFlight;

  UpstreamPool(
      EventLoop loop,
      Class<? extends SocketChannel> channelClass,
      long idleTimeoutMillis,
      int maxIdlePerEndpoint,
      InFlightRequests<UpstreamEndpoint> inFlight) {
    this.loop = loop;
    this.inFlight = inFlight;
    this.maxIdlePerEndpoint = maxIdlePerEndpoint;
    this.h2c = new Http2Connections(loop, channelClass, idleTimeoutMillis);
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS),
                            new HttpClientCodec(),
                            new UpstreamHandler());
                    UpstreamTlsHandshakes.addHandler(ch);
                  }
                });
  }

  /** The proxy-wide requests in flight per endpoint (shared by every loop's pool; thread-safe). */
  public InFlightRequests<UpstreamEndpoint> inFlight() {
    return inFlight;
  }

  /** The loop this pool belongs to. */
  public EventLoop loop() {
    return loop;
  }

  /**
   * An idle connection to {@code endpoint}, leased to {@code listener}, or null when none is
   * pooled. Connections found closed are discarded.
   */
  public Channel acquireIdle(UpstreamEndpoint endpoint, UpstreamListener listener) {
    ArrayDeque<Channel> channels = idle.get(endpoint);
    while (channels != null && !channels.isEmpty()) {
      // Most recently used first: it is the least likely to have been closed by the upstream.
      Channel ch = channels.pollLast();
      if (ch.isActive()) {
        ch.pipeline().get(UpstreamHandler.class).lease(listener);
        return ch;
      }
      ch.close();
    }
    return null;
  }

  /**
   * Opens a new connection to {@code endpoint}; {@link #lease} it once connected. For a TLS
   * endpoint, writes wait in the TLS handler until the handshake is done, and a failed handshake
   * closes the connection.
   */
  public ChannelFuture connect(UpstreamEndpoint endpoint, int connectTimeoutMillis) {
    return bootstrap
        .clone()
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .attr(UpstreamTlsHandshakes.ENDPOINT, endpoint)
        .connect(endpoint.toSocketAddress());
  }

  /**
   * Opens a new channel for one exchange to {@code endpoint}: an HTTP/1.1 connection, or for an h2c
   * cluster a new stream on the endpoint's shared HTTP/2 connection (connected first if needed).
   * Either way the channel carries HTTP objects; {@link #lease} it once open. A TLS endpoint's
   * channel is handed out only after a successful handshake.
   */
  public Future<Channel> open(UpstreamEndpoint endpoint, int connectTimeoutMillis, boolean h2) {
    if (h2) {
      return h2c.openStream(endpoint, connectTimeoutMillis);
    }
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture f = connect(endpoint, connectTimeoutMillis);
    f.addListener(
        future -> {
          if (future.isSuccess()) {
            UpstreamTlsHandshakes.whenReady(f.channel(), endpoint, promise);
          } else {
            promise.tryFailure(future.cause());
          }
        });
    return promise;
  }

  /** Number of HTTP/2 connections to {@code endpoint} (0 or 1); for tests and metrics. */
  public int h2cConnectionCount(UpstreamEndpoint endpoint) {
    return h2c.connectionCount(endpoint);
  }

  /** Hands a newly connected channel to {@code listener}. */
  public static void lease(Channel ch, UpstreamListener listener) {
    ch.pipeline().get(UpstreamHandler.class).lease(listener);
  }

  /**
   * Returns a connection whose exchange completed cleanly. It is kept if there is room, with one
   * read pending so that a close by the upstream is noticed at once.
   */
  public void release(UpstreamEndpoint endpoint, Channel ch) {
    if (ch instanceof Http2StreamChannel) {
      // RFC 9113 §5.1: a stream carries one exchange; its connection stays with the other streams.
      ch.close();
      return;
    }
    ArrayDeque<Channel> channels = idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    if (!ch.isActive() || channels.size() >= maxIdlePerEndpoint) {
      ch.close();
      return;
    }
    ch.pipeline().get(UpstreamHandler.class).idle(this, endpoint);
    channels.addLast(ch);
    ch.read();
  }

  void remove(UpstreamEndpoint endpoint, Channel ch) {
    ArrayDeque<Channel> channels = idle.get(endpoint);
    if (channels != null) {
      channels.remove(ch);
    }
  }

  /** Number of idle connections to {@code endpoint}; for tests and metrics. */
  public int idleCount(UpstreamEndpoint endpoint) {
    ArrayDeque<Channel> channels = idle.get(endpoint);
    return channels == null ? 0 : channels.size();
  }

  /** Closes the idle connections of every endpoint not in {@code keep}. */
  void retainOnly(Set<UpstreamEndpoint> keep) {
    h2c.retainOnly(keep);
    for (Iterator<Map.Entry<UpstreamEndpoint, ArrayDeque<Channel>>> it = idle.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<UpstreamEndpoint, ArrayDeque<Channel>> e = it.next();
      if (!keep.contains(e.getKey())) {
        it.remove();
        for (Channel ch : e.getValue()) {
          ch.close();
        }
      }
    }
  }

  /**
   * Takes a leased HTTP/1.1 connection out of HTTP for good, after a {@code 101 Switching
   * Protocols} (RFC 9110 §15.2.2): {@code tunnel} replaces the pool's handler, then the idle timer
   * and the HTTP codec are removed, the codec handing any bytes it already read past the 101 to
   * {@code tunnel}. The connection never returns to a pool.
   */
  public static void detachForTunnel(Channel ch, ChannelHandler tunnel) {
    ChannelPipeline p = ch.pipeline();
    p.replace(UpstreamHandler.class, "tunnel", tunnel);
    p.remove(IdleStateHandler.class);
    p.remove(HttpClientCodec.class);
  }
}
