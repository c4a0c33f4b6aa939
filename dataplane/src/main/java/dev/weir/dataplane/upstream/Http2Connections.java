package dev.weir.dataplane.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP/2 (h2c, prior knowledge: RFC 9113 §3.3; or h2 over TLS by ALPN, §3.2) upstream
 * connections of one event loop: at most one connection per endpoint, shared by every concurrent
 * exchange to it, each exchange on a stream of its own. A stream's pipeline is {@code
 * Http2StreamFrameToHttpObjectCodec → UpstreamHandler}, so the exchange sees the same HTTP objects
 * as on an HTTP/1.1 connection; a stream is never reused (RFC 9113 §5.1), the connection is.
 *
 * <p>Flushes: each exchange flushes its stream as it writes the request head and body, mostly while
 * the client connection is read. A {@code FlushConsolidationHandler} between the codec and the
 * streams turns a turn's flushes into one at its end (or at the end of the connection's own read),
 * so the requests of many streams leave in one socket write.
 *
 * <p>A connection that closes leaves the map, and the next exchange opens a new one. A connection
 * with no open stream is closed after the idle timeout. A connection that carried its cluster's
 * {@code max_requests_per_connection} streams is retired: it leaves the map, so the next exchange
 * opens another connection, and it is closed once its last stream ends. A new connection counts
 * against the cluster's {@code max_connections} ({@link ClusterLoad}).
 *
 * <p>Accessed only from its event loop; that is why it needs no locks.
 */
final class Http2Connections {

  // Stateless (and @Sharable): one for every stream.
  private static final Http2StreamFrameToHttpObjectCodec CODEC =
      new Http2StreamFrameToHttpObjectCodec(false);

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Map<UpstreamEndpoint, Connection> connections = new HashMap<>();

  Http2Connections(
      EventLoop loop, Class<? extends SocketChannel> channelClass, long idleTimeoutMillis) {
    this.loop = loop;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(channelClass)
            // The connection is read all the time: flow control is per stream, on the streams.
            .option(ChannelOption.AUTO_READ, true)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    Http2FrameCodec codec =
                        Http2FrameCodecBuilder.forClient()
                            .headerSensitivityDetector(Http2PerRequestHeaders.INSTANCE)
                            .build();
                    ch.pipeline()
                        .addLast(
                            new ConnectionIdleTimer(
                                UpstreamPool.idleTimeout(ch, idleTimeoutMillis),
                                TimeUnit.MILLISECONDS),
                            codec,
                            // Streams' flushes in one event-loop turn become one socket write.
                            new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                                true),
                            new Http2MultiplexHandler(new RefusePushedStreams()),
                            new Http2CloseWhenIdle(codec));
                    UpstreamTlsHandshakes.addHandler(ch);
                  }
                });
  }

  /**
   * Opens a stream to {@code endpoint} on its shared connection, connecting first if there is none
   * (or the current one is retired). The stream's reads are off until the exchange asks; its
   * listener is set by {@link UpstreamPool#lease}. Fails with {@link ConnectionLimitException} when
   * a connection is needed and the cluster's {@code max_connections} are open.
   */
  Future<Channel> openStream(UpstreamEndpoint endpoint, UpstreamCluster cluster, ClusterLoad load) {
    ClusterLimits limits = cluster.limits();
    Connection c = connections.get(endpoint);
    if (c != null && c.future.isDone() && !c.future.channel().isActive()) {
      c = null;
    } else if (c != null
        && limits.maxRequestsPerConnection() > 0
        && c.streams >= limits.maxRequestsPerConnection()) {
      retire(endpoint, c);
      c = null;
    }
    if (c == null) {
      if (!load.tryConnection(limits.maxConnections())) {
        return loop.newFailedFuture(ConnectionLimitException.INSTANCE);
      }
      c = connect(endpoint, cluster, load);
    }
    Connection used = c;
    used.streams++;
    used.active++;
    Promise<Channel> promise = loop.newPromise();
    promise.addListener(
        (Future<Channel> s) -> {
          if (s.isSuccess()) {
            s.getNow().closeFuture().addListener(f -> streamEnded(used));
          } else {
            streamEnded(used);
          }
        });
    used.future.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            promise.tryFailure(f.cause());
            return;
          }
          Promise<Channel> ready = loop.newPromise();
          UpstreamTlsHandshakes.whenReady(f.channel(), endpoint, ready);
          ready.addListener(
              (Future<Channel> r) -> {
                if (r.isSuccess()) {
                  openStreamOn(used, r.getNow(), promise);
                } else {
                  promise.tryFailure(r.cause());
                }
              });
        });
    return promise;
  }

  private Connection connect(UpstreamEndpoint endpoint, UpstreamCluster cluster, ClusterLoad load) {
    ChannelFuture future =
        UpstreamPool.counted(
                bootstrap
                    .clone()
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cluster.connectTimeoutMillis()),
                cluster.limits(),
                load)
            .attr(UpstreamTlsHandshakes.ENDPOINT, endpoint)
            .connect(endpoint.toSocketAddress());
    load.meters().track(future);
    Connection c = new Connection(future);
    connections.put(endpoint, c);
    future
        .channel()
        .closeFuture()
        .addListener(
            f -> {
              connections.remove(endpoint, c);
              load.connectionClosed();
            });
    return c;
  }

  /** Takes {@code c} out of use: no new stream goes to it, and it closes after its last one. */
  private void retire(UpstreamEndpoint endpoint, Connection c) {
    connections.remove(endpoint, c);
    c.retired = true;
    if (c.active == 0) {
      c.future.channel().close();
    }
  }

  private static void streamEnded(Connection c) {
    c.active--;
    if (c.retired && c.active == 0) {
      // RFC 9113 §6.8: closing sends GOAWAY; no stream is left for it to wait for.
      c.future.channel().close();
    }
  }

  private static void openStreamOn(Connection c, Channel connection, Promise<Channel> promise) {
    if (c.streamBootstrap == null) {
      c.streamBootstrap =
          new Http2StreamChannelBootstrap(connection)
              .option(ChannelOption.AUTO_READ, false)
              .handler(CODEC);
    }
    c.streamBootstrap
        .open()
        .addListener(
            (Future<Http2StreamChannel> s) -> {
              if (s.isSuccess()) {
                s.getNow().pipeline().addLast(new UpstreamHandler());
                promise.trySuccess(s.getNow());
              } else {
                promise.tryFailure(s.cause());
              }
            });
  }

  /** Number of connections to {@code endpoint} (0 or 1); for tests and metrics. */
  int connectionCount(UpstreamEndpoint endpoint) {
    return connections.containsKey(endpoint) ? 1 : 0;
  }

  /** Closes the connections to every endpoint not in {@code keep}; open streams end with them. */
  void retainOnly(Set<UpstreamEndpoint> keep) {
    for (UpstreamEndpoint e : Set.copyOf(connections.keySet())) {
      if (!keep.contains(e)) {
        connections.remove(e).future.channel().close();
      }
    }
  }

  /** Closes one connection of {@code load} with no stream open, unless another loop did. */
  void evictIdle(ClusterLoad load, AtomicBoolean claimed) {
    for (Map.Entry<UpstreamEndpoint, Connection> e : connections.entrySet()) {
      Connection c = e.getValue();
      if (c.active == 0
          && c.future.channel().attr(UpstreamPool.LOAD).get() == load
          && claimed.compareAndSet(false, true)) {
        connections.remove(e.getKey());
        c.future.channel().close();
        return;
      }
    }
  }

  /** One connection and the streams it carried: all of them, and those still open. */
  private static final class Connection {
    final ChannelFuture future;
    // Opens this connection's streams; set on the first one, once the connection is ready.
    Http2StreamChannelBootstrap streamBootstrap;
    int streams;
    int active;
    boolean retired;

    Connection(ChannelFuture future) {
      this.future = future;
    }
  }

  /** Server push is never enabled by us (RFC 9113 §8.4); a pushed stream is dropped. */
  private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
    @Override
    public boolean isSharable() {
      return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }
}
