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
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The upstream connections of one event loop: idle keep-alive connections by endpoint, and new
 * connections made on this loop with auto-read off (the exchange reads when the client can take
 * more). Keyed by endpoint, not by config version, so a snapshot swap keeps warm connections.
 *
 * <p>Cluster limits ({@link ClusterLimits}): a connection opened by {@link #open} counts against
 * the opening cluster's {@code max_connections} until it closes, whichever cluster reuses it later;
 * it takes that cluster's idle timeout; and {@link #release} closes it instead of pooling it after
 * its {@code max_requests_per_connection}-th exchange or beyond {@code max_idle_connections}.
 *
 * <p>Accessed only from its event loop; that is why it needs no locks.
 */
public final class UpstreamPool {

  /** The cluster load a connection counts against; set on connections {@link #open} made. */
  static final AttributeKey<ClusterLoad> LOAD = AttributeKey.valueOf("weir.upstream.load");

  /** The connection's idle timeout in milliseconds, when its cluster sets one. */
  static final AttributeKey<Long> IDLE_TIMEOUT = AttributeKey.valueOf("weir.upstream.idle");

  private final EventLoop loop;
  private final UpstreamPools owner;
  private final Bootstrap bootstrap;
  private final int maxIdlePerEndpoint;
  private final Map<UpstreamEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();
  private final Http2Connections h2c;

  UpstreamPool(
      EventLoop loop,
      Class<? extends SocketChannel> channelClass,
      long idleTimeoutMillis,
      int maxIdlePerEndpoint,
      UpstreamPools owner) {
    this.loop = loop;
    this.owner = owner;
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
                            new ConnectionIdleTimer(
                                idleTimeout(ch, idleTimeoutMillis), TimeUnit.MILLISECONDS),
                            new HttpClientCodec(),
                            new UpstreamHandler());
                    UpstreamTlsHandshakes.addHandler(ch);
                  }
                });
  }

  /** The proxy-wide requests in flight per endpoint (shared by every loop's pool; thread-safe). */
  public InFlightRequests<UpstreamEndpoint> inFlight() {
    return owner.inFlight();
  }

  /** The data plane's circuit-breaker counts by cluster, shared by every loop. */
  public ClusterLoads loads() {
    return owner.loads();
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
   * Opens a new channel for one exchange to {@code endpoint} of {@code cluster}: an HTTP/1.1
   * connection, or for an HTTP/2 cluster a new stream on the endpoint's shared connection
   * (connected first if needed). Either way the channel carries HTTP objects; {@link #lease} it
   * once open. A TLS endpoint's channel is handed out only after a successful handshake. A new
   * connection counts against {@code load}; when the cluster's {@code max_connections} are open the
   * future fails with {@link ConnectionLimitException} and nothing is opened.
   */
  public Future<Channel> open(
      UpstreamEndpoint endpoint, UpstreamCluster cluster, ClusterLoad load) {
    if (cluster.h2c()) {
      return h2c.openStream(endpoint, cluster, load);
    }
    if (!load.tryConnection(cluster.limits().maxConnections())) {
      return loop.newFailedFuture(ConnectionLimitException.INSTANCE);
    }
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture f =
        counted(
                bootstrap
                    .clone()
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cluster.connectTimeoutMillis()),
                cluster.limits(),
                load)
            .attr(UpstreamTlsHandshakes.ENDPOINT, endpoint)
            .connect(endpoint.toSocketAddress());
    load.meters().track(f);
    f.channel().closeFuture().addListener(c -> load.connectionClosed());
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

  /**
   * Marks the connections {@code b} makes as counted against {@code load}, with its idle timeout.
   */
  static Bootstrap counted(Bootstrap b, ClusterLimits limits, ClusterLoad load) {
    b.attr(LOAD, load);
    if (limits.idleTimeoutMillis() > 0) {
      b.attr(IDLE_TIMEOUT, limits.idleTimeoutMillis());
    }
    return b;
  }

  /** The idle timeout of {@code ch}: its cluster's, else {@code fallback}. */
  static long idleTimeout(Channel ch, long fallback) {
    Long millis = ch.attr(IDLE_TIMEOUT).get();
    return millis == null ? fallback : millis;
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
    release(endpoint, ch, ClusterLimits.NONE);
  }

  /**
   * As {@link #release(UpstreamEndpoint, Channel)}, under the releasing cluster's {@code limits}:
   * at most {@code max_idle_connections} are kept, and a connection that carried {@code
   * max_requests_per_connection} exchanges is closed.
   */
  public void release(UpstreamEndpoint endpoint, Channel ch, ClusterLimits limits) {
    if (ch instanceof Http2StreamChannel) {
      // RFC 9113 §5.1: a stream carries one exchange; its connection stays with the other streams.
      ch.close();
      return;
    }
    ArrayDeque<Channel> channels = idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    UpstreamHandler handler = ch.pipeline().get(UpstreamHandler.class);
    int maxIdle =
        limits.maxIdleConnections() > 0 ? limits.maxIdleConnections() : maxIdlePerEndpoint;
    int maxLeases = limits.maxRequestsPerConnection();
    if (!ch.isActive()
        || channels.size() >= maxIdle
        || (maxLeases > 0 && handler.leases() >= maxLeases)) {
      ch.close();
      return;
    }
    handler.idle(this, endpoint, ch.attr(LOAD).get());
    channels.addLast(ch);
    ch.read();
  }

  /**
   * Asks every loop's pool to close one idle connection counted against {@code load}, so that a
   * request waiting for a connection slot on another loop can open its own.
   */
  public void evictIdle(ClusterLoad load) {
    owner.evictIdle(load);
  }

  /** Closes one idle connection of {@code load} unless another loop did ({@code claimed}). */
  void evictOneIdle(ClusterLoad load, AtomicBoolean claimed) {
    for (ArrayDeque<Channel> channels : idle.values()) {
      for (Channel ch : channels) {
        if (ch.attr(LOAD).get() == load && claimed.compareAndSet(false, true)) {
          channels.remove(ch);
          ch.close();
          return;
        }
      }
    }
    h2c.evictIdle(load, claimed);
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
    p.remove(ConnectionIdleTimer.class);
    p.remove(HttpClientCodec.class);
  }
}
