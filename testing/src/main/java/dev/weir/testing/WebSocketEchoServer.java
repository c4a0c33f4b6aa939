package dev.weir.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket backend for tests (RFC 6455): accepts the opening handshake on any path and answers
 * each text message, reassembled from its fragments, with {@code "NAME: " + text}. Pings are
 * answered and close frames echoed by Netty's protocol handler.
 *
 * <p>Runs on its own event loop; {@link #openConnections()} may be read from any thread.
 */
public final class WebSocketEchoServer implements AutoCloseable {

  /** Largest message (and handshake) accepted, in bytes. */
  private static final int MAX_MESSAGE = 1024 * 1024;

  private final String name;
  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicInteger open = new AtomicInteger();

  private WebSocketEchoServer(String name) {
    this.name = name;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      this.channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      open.incrementAndGet();
                      ch.closeFuture().addListener(f -> open.decrementAndGet());
                      ch.pipeline()
                          .addLast(
                              new HttpServerCodec(),
                              new HttpObjectAggregator(MAX_MESSAGE),
                              // "/" and any path below it, no subprotocol, extensions allowed.
                              new WebSocketServerProtocolHandler(
                                  "/", null, true, MAX_MESSAGE, false, true),
                              // A long message may come in fragments (RFC 6455 §5.4): echo it
                              // whole.
                              new WebSocketFrameAggregator(MAX_MESSAGE),
                              new Echo());
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
    } catch (InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding", e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** Starts a server named {@code name} on 127.0.0.1, on a free port. */
  public static WebSocketEchoServer start(String name) {
    return new WebSocketEchoServer(name);
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Number of client connections currently open. */
  public int openConnections() {
    return open.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Echoes each text message, prefixed with the server's name. */
  private final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      ctx.writeAndFlush(new TextWebSocketFrame(name + ": " + frame.text()));
    }
  }
}
