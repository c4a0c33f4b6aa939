package dev.weir.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A small HTTP/1.1 backend for tests, the demo and benchmarks; {@link #startH2c} starts one that
 * speaks only HTTP/2 over cleartext with prior knowledge (RFC 9113 §3.3).
 *
 * <p>Every response carries {@code x-backend: NAME}. Paths:
 *
 * <ul>
 *   <li>{@code /bytes/N}: N bytes of {@code 'x'} ({@code application/octet-stream}); {@code
 *       /text/N} the same as {@code text/plain};
 *   <li>{@code /slow/MS}, anywhere in the path ({@code /a/slow/MS} too): the echo, answered after
 *       MS milliseconds;
 *   <li>{@code /status/CODE}: the echo with status CODE;
 *   <li>{@code /healthz}: the echo with the status set by {@link #healthStatus} (200 unless set);
 *   <li>anything else: a text echo of the backend name, method, uri, the protocol that arrived
 *       ({@code protocol=HTTP/1.1} or {@code protocol=HTTP/2}) and request headers, followed by the
 *       request body streamed back as it arrives (chunked) when the request has one.
 * </ul>
 *
 * <p>{@link #failWith} makes every other path answer with a given status (the echo, delayed as
 * usual for {@code /slow/MS}), to play a backend that fails and recovers.
 *
 * <p>Runs on its own event loop; {@link #connectionsAccepted()} and {@link #requests()} may be read
 * from any thread.
 */
public final class EchoServer implements AutoCloseable {

  private static final AttributeKey<String> SNI = AttributeKey.valueOf(EchoServer.class, "sni");

  private final String name;
  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger healthStatus = new AtomicInteger(200);
  private final AtomicInteger failStatus = new AtomicInteger();

  private EchoServer(String name, String host, int port, int threads, boolean h2c)
      throws InterruptedException {
    this(name, host, port, threads, h2c, null);
  }

  private EchoServer(String name, String host, int port, int threads, boolean h2c, SslContext tls)
      throws InterruptedException {
    this.name = name;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    if (tls != null) {
                      initTls(ch, tls);
                      return;
                    }
                    if (h2c) {
                      initH2c(ch);
                      return;
                    }
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new EchoHandler("HTTP/1.1"));
                  }
                });
    this.channel = bootstrap.bind(host, port).sync().channel();
  }

  /**
   * TLS, then HTTP/2 or HTTP/1.1 as ALPN chose (HTTP/1.1 without ALPN). The SNI the client sent is
   * kept on the channel for the echo.
   */
  private void initTls(SocketChannel ch, SslContext tls) {
    ch.pipeline()
        .addLast(
            new SniHandler(hostname -> tls) {
              @Override
              protected void replaceHandler(
                  ChannelHandlerContext ctx, String hostname, SslContext context) throws Exception {
                ctx.channel().attr(SNI).set(hostname);
                super.replaceHandler(ctx, hostname, context);
              }
            })
        .addLast(
            new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
              @Override
              protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                  initH2c(ch);
                } else {
                  ch.pipeline()
                      .addLast(new HttpServerCodec())
                      .addLast(new HttpServerKeepAliveHandler())
                      .addLast(new EchoHandler("HTTP/1.1"));
                }
              }

              @Override
              protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
  }

  /**
   * HTTP/2 with prior knowledge only: the frame codec expects the client connection preface (RFC
   * 9113 §3.4), so anything else (an HTTP/1.1 request line) is a connection error and the
   * connection is closed. Each stream is converted to HTTP/1-style objects for the echo handler.
   */
  private void initH2c(SocketChannel ch) {
    ch.pipeline()
        .addLast(Http2FrameCodecBuilder.forServer().build())
        .addLast(
            new Http2MultiplexHandler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream
                        .pipeline()
                        .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                        .addLast(new EchoHandler("HTTP/2"));
                  }
                }))
        .addLast(
            new ChannelInboundHandlerAdapter() {
              // A bad preface is a connection error the codec has already answered with GOAWAY.
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
  }

  /** Starts a backend named {@code name} on 127.0.0.1 and a free port. */
  public static EchoServer start(String name) {
    return start(name, "127.0.0.1", 0);
  }

  /** Starts a backend named {@code name} on {@code host:port} (0 for a free port). */
  public static EchoServer start(String name, String host, int port) {
    try {
      return new EchoServer(name, host, port, 1, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a backend named {@code name} on 127.0.0.1 and a free port that speaks only h2c: HTTP/2
   * with prior knowledge (RFC 9113 §3.3); an HTTP/1.1 request gets its connection closed.
   */
  public static EchoServer startH2c(String name) {
    try {
      return new EchoServer(name, "127.0.0.1", 0, 1, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a backend named {@code name} on 127.0.0.1 and a free port that speaks TLS with {@code
   * context} (its certificate, client-certificate policy and ALPN: offer {@code h2} and {@code
   * http/1.1} for both). The echo adds {@code tls-sni=NAME} (the SNI received, or {@code none}),
   * {@code tls-protocol=TLSv1.3} and, when the client sent a certificate, {@code
   * tls-client=SUBJECT}.
   */
  public static EchoServer startTls(String name, SslContext context) {
    try {
      return new EchoServer(name, "127.0.0.1", 0, 1, false, context);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The port this backend listens on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The backend's name, sent as {@code x-backend}. */
  public String name() {
    return name;
  }

  /** How many TCP connections this backend has accepted. */
  public long connectionsAccepted() {
    return connections.get();
  }

  /** Sets the status {@code /healthz} answers with, for health-check tests. */
  public void healthStatus(int status) {
    healthStatus.set(status);
  }

  /**
   * Makes every request but {@code /healthz}, {@code /bytes/N} and {@code /text/N} answer with
   * {@code status} (overriding {@code /status/CODE}); 0 restores normal answers.
   */
  public void failWith(int status) {
    failStatus.set(status);
  }

  /** How many requests this backend has received. */
  public long requests() {
    return requests.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * One per connection (HTTP/1.1) or per stream (HTTP/2); accessed only from the channel's event
   * loop.
   */
  private final class EchoHandler extends SimpleChannelInboundHandler<HttpObject> {
    /** What arrived, for the echo: {@code HTTP/1.1} or {@code HTTP/2}. */
    private final String protocol;

    private boolean streaming;

    EchoHandler(String protocol) {
      this.protocol = protocol;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest request) {
        requests.incrementAndGet();
        onRequest(ctx, request);
      }
      if (msg instanceof HttpContent content && streaming) {
        if (content.content().isReadable()) {
          ctx.writeAndFlush(new DefaultHttpContent(content.content().retain()));
        }
        if (content instanceof LastHttpContent) {
          ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          streaming = false;
        }
      }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
      String path = request.uri();
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      HttpResponseStatus status = HttpResponseStatus.OK;
      if (path.startsWith("/bytes/") || path.startsWith("/text/")) {
        boolean text = path.startsWith("/text/");
        int n = Integer.parseInt(path.substring(text ? "/text/".length() : "/bytes/".length()));
        ByteBuf body = Unpooled.wrappedBuffer(repeat((byte) 'x', n));
        send(
            ctx,
            request,
            full(status, body, text ? "text/plain; charset=utf-8" : "application/octet-stream"));
        return;
      }
      if (path.startsWith("/status/")) {
        status = HttpResponseStatus.valueOf(Integer.parseInt(path.substring("/status/".length())));
      } else if (path.equals("/healthz")) {
        status = HttpResponseStatus.valueOf(healthStatus.get());
      }
      int failing = failStatus.get();
      if (failing != 0 && !path.equals("/healthz")) {
        status = HttpResponseStatus.valueOf(failing);
      }
      StringBuilder text = new StringBuilder();
      text.append("backend=").append(name).append('\n');
      text.append("method=").append(request.method()).append('\n');
      text.append("uri=").append(request.uri()).append('\n');
      text.append("protocol=").append(protocol).append('\n');
      appendTls(ctx, text);
      for (Map.Entry<String, String> h : request.headers()) {
        text.append("header ").append(h.getKey().toLowerCase(java.util.Locale.ROOT));
        text.append(": ").append(h.getValue()).append('\n');
      }
      ByteBuf head = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
      boolean hasBody =
          HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0) > 0;
      if (hasBody) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set("x-backend", name);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.write(response);
        ctx.writeAndFlush(new DefaultHttpContent(head));
        streaming = true;
        return;
      }
      FullHttpResponse response = full(status, head, "text/plain; charset=utf-8");
      int slow = path.indexOf("/slow/");
      if (slow >= 0) {
        long millis = Long.parseLong(path.substring(slow + "/slow/".length()));
        ctx.executor().schedule(() -> send(ctx, request, response), millis, TimeUnit.MILLISECONDS);
        return;
      }
      send(ctx, request, response);
    }

    /** The TLS facts of the connection ({@code ctx}'s, or its parent's for an HTTP/2 stream). */
    private void appendTls(ChannelHandlerContext ctx, StringBuilder text) {
      Channel connection =
          ctx.channel() instanceof Http2StreamChannel ? ctx.channel().parent() : ctx.channel();
      SslHandler ssl = connection.pipeline().get(SslHandler.class);
      if (ssl == null) {
        return;
      }
      String sni = connection.attr(SNI).get();
      text.append("tls-sni=").append(sni == null ? "none" : sni).append('\n');
      SSLSession session = ssl.engine().getSession();
      text.append("tls-protocol=").append(session.getProtocol()).append('\n');
      try {
        java.security.cert.Certificate[] peer = session.getPeerCertificates();
        text.append("tls-client=")
            .append(((X509Certificate) peer[0]).getSubjectX500Principal().getName())
            .append('\n');
      } catch (SSLPeerUnverifiedException e) {
        // No client certificate: nothing to echo.
      }
    }

    private FullHttpResponse full(HttpResponseStatus status, ByteBuf body, String type) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response.headers().set("x-backend", name);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      HttpUtil.setContentLength(response, body.readableBytes());
      return response;
    }

    private void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
      if (!HttpUtil.isKeepAlive(request)) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static byte[] repeat(byte b, int n) {
    byte[] bytes = new byte[n];
    java.util.Arrays.fill(bytes, b);
    return bytes;
  }

  /**
   * Runs backends until killed: {@code EchoServer NAME=HOST:PORT [NAME=HOST:PORT ...]}. The demo
   * uses this to start its services.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.println("usage: backend NAME=HOST:PORT [NAME=HOST:PORT ...]");
      System.out.println("Starts HTTP/1.1 echo backends (see EchoServer's javadoc for paths).");
      return;
    }
    for (String arg : args) {
      int eq = arg.indexOf('=');
      int colon = arg.lastIndexOf(':');
      if (eq <= 0 || colon < eq) {
        System.err.println("backend: expected NAME=HOST:PORT, got '" + arg + "'");
        System.exit(2);
      }
      EchoServer server =
          start(
              arg.substring(0, eq),
              arg.substring(eq + 1, colon),
              Integer.parseInt(arg.substring(colon + 1)));
      System.out.println("backend " + server.name() + " listening on " + arg.substring(eq + 1));
    }
    Thread.currentThread().join();
  }
}
