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
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 (h2c, prior knowledge: RFC 9113 §3.3; or h2 over TLS by ALPN, §3.2) upstream
 * connections of one event loop: at most one connection per endpoint, shared by every concurrent
 * exchange to it, each exchange on a stream of its own. A stream's pipeline is {@code
 * Http2StreamFrameToHttpObjectCodec → UpstreamHandler}, so the exchange sees the same HTTP objects
 * as on an HTTP/1.1 connection; a stream is never reused (RFC 9113 §5.1), the connection is.
 *
 * <p>A connection that closes leaves the map, and the next exchange opens a new one. A connection
 * with no open stream is closed after the idle timeout.
 *
 * <p>Accessed only from its event loop; that is why it needs no locks.
 */
final class Http2Connections {

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Map<UpstreamEndpoint, ChannelFuture> connections = new HashMap<>();

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
                    Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().build();
                    ch.pipeline()
                        .addLast(
                            new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS),
                            codec,
                            new Http2MultiplexHandler(new RefusePushedStreams()),
                            new Http2CloseWhenIdle(codec));
                    UpstreamTlsHandshakes.addHandler(ch);
                  }
                });
  }

  /**
   * Opens a stream to {@code endpoint} on its shared connection, connecting first if there is none.
   * The stream's reads are off until the exchange asks; its listener is set by {@link
   * UpstreamPool#lease}.
   */
  Future<Channel> openStream(UpstreamEndpoint endpoint, int connectTimeoutMillis) {
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connection = connections.get(endpoint);
    if (connection == null || (connection.isDone() && !connection.channel().isActive())) {
      connection =
          bootstrap
              .clone()
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
              .attr(UpstreamTlsHandshakes.ENDPOINT, endpoint)
              .connect(endpoint.toSocketAddress());
      ChannelFuture registered = connection;
      connections.put(endpoint, registered);
      registered.channel().closeFuture().addListener(f -> connections.remove(endpoint, registered));
    }
    connection.addListener(
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
                  openStreamOn(r.getNow(), promise);
                } else {
                  promise.tryFailure(r.cause());
                }
              });
        });
    return promise;
  }

  private static void openStreamOn(Channel connection, Promise<Channel> promise) {
    new Http2StreamChannelBootstrap(connection)
        .option(ChannelOption.AUTO_READ, false)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline()
                    .addLast(new Http2StreamFrameToHttpObjectCodec(false), new UpstreamHandler());
              }
            })
        .open()
        .addListener(
            (Future<Http2StreamChannel> s) -> {
              if (s.isSuccess()) {
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
        connections.remove(e).channel().close();
      }
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
