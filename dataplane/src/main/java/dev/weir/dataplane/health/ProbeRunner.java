package dev.weir.dataplane.health;

import dev.weir.dataplane.upstream.UpstreamEndpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Runs one active check: a new connection to the endpoint on the checker's event loop (never a
 * pooled one, so that a check measures the endpoint and not the proxy's warm connections), the
 * cluster's TLS when the endpoint has it, then the {@link HealthProbe}'s exchange, all within the
 * check's timeout. The connection is closed when the check ends, however it ends.
 *
 * <p>Stateless apart from the channel class; each call runs on the loop it is given and never
 * blocks.
 */
final class ProbeRunner {

  private final Class<? extends SocketChannel> channelClass;

  ProbeRunner(Class<? extends SocketChannel> channelClass) {
    this.channelClass = channelClass;
  }

  /**
   * Checks {@code endpoint} with {@code probe} on {@code loop}.
   *
   * @return succeeds when healthy; fails with the reason (refused, timed out, bad status...)
   */
  Future<Void> check(
      EventLoop loop, UpstreamEndpoint endpoint, HealthProbe probe, long timeoutMillis) {
    Promise<Void> result = loop.newPromise();
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMillis, 60_000))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (endpoint.tls() != null) {
                      ch.pipeline().addLast(endpoint.tls().newHandler(ch.alloc(), endpoint));
                    }
                  }
                })
            .connect(endpoint.toSocketAddress());
    ScheduledFuture<?> timer =
        loop.schedule(
            () -> result.tryFailure(new TimeoutException("no answer in " + timeoutMillis + " ms")),
            timeoutMillis,
            TimeUnit.MILLISECONDS);
    result.addListener(
        f -> {
          timer.cancel(false);
          connect.channel().close();
        });
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.tryFailure(f.cause());
          } else {
            afterHandshake(connect.channel(), probe, result);
          }
        });
    return result;
  }

  /** Starts the exchange once {@code ch} is usable: at once in cleartext, after TLS otherwise. */
  private static void afterHandshake(Channel ch, HealthProbe probe, Promise<Void> result) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      probe.exchange(ch, result);
      return;
    }
    ssl.handshakeFuture()
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                result.tryFailure(f.cause());
              } else if (probe.h2()
                  && !ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                // RFC 9113 §3.2: over TLS, HTTP/2 only when ALPN chose "h2".
                result.tryFailure(new SSLHandshakeException("backend did not negotiate h2"));
              } else {
                probe.exchange(ch, result);
              }
            });
  }
}
