package dev.weir.dataplane.server;

import dev.weir.dataplane.config.ListenerRuntime;
import dev.weir.dataplane.config.RuntimeConfig;
import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ErrorResponses;
import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.HopByHopFilter;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.filter.RequestIdFilter;
import dev.weir.dataplane.routing.RequestTarget;
import dev.weir.dataplane.routing.RouteEntry;
import dev.weir.dataplane.routing.RouteRequest;
import dev.weir.dataplane.upstream.UpstreamPools;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream side of the HTTP/1.1 reverse proxy, one per client connection, last in the
 * pipeline built by {@link ProxyInitializer}.
 *
 * <p>Flow control: auto-read is off, and decoded messages are queued here and taken one at a time
 * ({@link #requestMessage}), since the decoder may emit several per socket read. A request head is
 * read, checked, routed and handed to a {@link ForwardExchange}; nothing more is read from the
 * client until the exchange asks for body parts, and the next request is read only once the
 * response is complete. That answers pipelined requests in order (RFC 9112 §9.3.2) without
 * buffering them.
 *
 * <p>Config: each request reads the current {@link RuntimeConfig} once and keeps what it found
 * (route, cluster) to the end; if this connection's port has left the config, the listener pinned
 * at accept time keeps serving the connection's remaining requests.
 *
 * <p>Errors: decoder failures become 400, 414 or 431 and close the connection; every response
 * produced here goes through {@link ErrorResponses} and the filters' response phase.
 *
 * <p>Accessed only from the channel's event loop.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

  private final int port;
  private final ListenerRuntime pinnedListener;
  private final Supplier<RuntimeConfig> config;
  private final ProxySettings settings;
  private final UpstreamPools pools;
  private final FilterChain filters;
  private ChannelHandlerContext ctx;
  // Whether this handler serves one HTTP/2 stream rather than an HTTP/1 connection.
  private boolean http2;
  private ForwardExchange exchange;
  // The request phase while it waits for a filter's deferral, else null.
  private RequestPhase phase;
  private boolean closing;
  // One message per requestMessage(): the decoder may emit several per socket read.
  private final InboundQueue inbound;
  private final RequestBodyCheck body = new RequestBodyCheck();
  private boolean wantMessage;
  private boolean delivering;
  private DownstreamPeer peer;

  ProxyHandler(
      int port,
      ListenerRuntime pinnedListener,
      Supplier<RuntimeConfig> config,
      ProxySettings settings,
      UpstreamPools pools,
      FilterChain filters) {
    this.port = port;
    this.pinnedListener = pinnedListener;
    this.config = config;
    this.settings = settings;
    this.pools = pools;
    this.filters = filters;
    this.inbound = new InboundQueue(settings.http1().maxPipelinedRequests());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.http2 = ctx.channel() instanceof Http2StreamChannel;
    this.peer = new DownstreamPeer(ctx.channel(), pinnedListener.secure());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    requestMessage();
    ctx.fireChannelActive();
  }

  /**
   * Asks for the next decoded message: from the queue if the decoder already produced it, else from
   * the socket. This is the only place that reads from the client.
   */
  void requestMessage() {
    wantMessage = true;
    if (!delivering) {
      deliver();
    }
  }

  private void deliver() {
    delivering = true;
    try {
      while (wantMessage && !inbound.isEmpty()) {
        wantMessage = false;
        process(inbound.poll());
      }
    } finally {
      delivering = false;
    }
    if (wantMessage && ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (http2 && msg instanceof FullHttpRequest full) {
      // An HTTP/2 HEADERS frame that ended its stream comes whole; the exchange takes a head, then
      // the end, as from an HTTP/1 decoder.
      inbound.add(new EndedStreamHead(full));
      inbound.add(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
    } else if (msg == ProxyRequestDecoder.BODY_TIMEOUT) {
      // Only a client we were waiting for is too slow; a body held back for a slow upstream is not.
      if (exchange != null && wantMessage && inbound.isEmpty()) {
        exchange.failFromDownstream(
            ProxyError.downstream(ErrorKind.CLIENT_TIMEOUT, "request body too slow"));
      }
      return;
    } else {
      inbound.add(msg);
    }
    if (!delivering) {
      deliver();
    }
  }

  private void process(Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (exchange != null) {
      onBodyPart((HttpObject) msg);
    } else if (msg instanceof ProxyError refused) {
      // In a request's place: too many pipelined (InboundQueue), or a head too slow (decoder).
      rejectAndClose(refused, RequestIdFilter.newId());
    } else if (msg instanceof HttpRequest request) {
      onRequestHead(request);
    } else {
      // The rest of a body whose request was answered early: drop it, then read the next request.
      ReferenceCountUtil.release(msg);
      requestMessage();
    }
  }

  /**
   * A part of the forwarded request's body: passed on, unless it is malformed or takes the body
   * over the route's limit; either fails the exchange, so the upstream never sees the request end.
   */
  private void onBodyPart(HttpObject msg) {
    ProxyError error = msg instanceof HttpContent part ? body.check(part) : null;
    if (error != null) {
      ReferenceCountUtil.release(msg);
      exchange.failFromDownstream(error);
    } else {
      exchange.onDownstreamMessage(msg);
    }
  }

  private void onRequestHead(HttpRequest request) {
    String requestId = RequestIdFilter.newId();
    if (request.decoderResult().isFailure()) {
      ReferenceCountUtil.release(request);
      rejectAndClose(DecodeErrors.toProxyError(request.decoderResult().cause()), requestId);
      return;
    }
    // RFC 6585 §5; the decoder limits the section's size, not the number of fields.
    if (request.headers().size() > settings.maxHeaderCount()) {
      rejectAndClose(
          ProxyError.downstream(ErrorKind.HEADERS_TOO_LARGE, "too many header fields"), requestId);
      return;
    }
    // RFC 9112 §3.2: the target and Host must be valid; an absolute-form authority replaces Host.
    RequestHead head = RequestHead.of(request);
    if (head == null) {
      rejectAndClose(
          ProxyError.downstream(ErrorKind.BAD_REQUEST, "invalid request target or Host"),
          requestId);
      return;
    }
    RequestTarget target = head.target();
    String host = head.host();

    RuntimeConfig current = config.get();
    ListenerRuntime listener = current == null ? null : current.listener(port);
    if (listener == null) {
      listener = pinnedListener;
    }
    // RFC 9110 §15.5.20: a host the connection's SNI did not select gets 421, unrouted.
    boolean misdirected = pinnedListener.misdirected().misdirected(peer.sniHost(), host);
    RouteEntry route =
        misdirected
            ? null
            : listener
                .routes()
                .match(
                    host,
                    target.path(),
                    new RouteRequest(request.method().name(), request.headers(), target.query()));
    // Whether this connection is TLS was fixed when it was accepted, whatever the port is now.
    RequestContext rc =
        new RequestContext(
            peer.clientIp(),
            pinnedListener.secure(),
            head.originalHost(),
            host,
            target.path(),
            target.query(),
            route,
            port,
            new ExchangeStats(
                listener.name(),
                http2 ? "HTTP/2" : request.protocolVersion().text(),
                request.method().name()));
    rc.requestId(requestId);
    boolean hasBody = RequestBodyCheck.hasBody(request, http2);
    // RFC 9110 §15.5.14: a declared length over the limit is refused before anything goes up.
    ProxyError tooLarge =
        body.start(
            request,
            settings.http1().bodyLimit(route == null ? 0 : route.maxRequestBodyBytes()),
            rc.stats());
    if (tooLarge != null) {
      rejectAndClose(tooLarge, requestId);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);

    if (misdirected) {
      respond(
          rc, ErrorResponses.forStatus(ctx.alloc(), 421, requestId), keepAlive && !hasBody, http10);
      return;
    }
    phase =
        new RequestPhase(
            filters,
            rc,
            request,
            ctx.channel().eventLoop(),
            () -> requestFiltered(rc, request, hasBody, keepAlive, http10));
    phase.start();
  }

  /** The request filters ran (perhaps after waiting): answer early, or forward. */
  private void requestFiltered(
      RequestContext rc, HttpRequest request, boolean hasBody, boolean keepAlive, boolean http10) {
    phase = null;
    String requestId = rc.requestId();
    if (rc.earlyAnswer() != null) {
      if (rc.earlyAnswer() instanceof RequestContext.Answer.Error e) {
        rc.error(e.error());
        filters.onError(rc, e.error());
      }
      FullHttpResponse response =
          ErrorResponses.forAnswer(
              ctx.alloc(),
              rc.earlyAnswer(),
              requestId,
              request.headers().get(HttpHeaderNames.CONTENT_TYPE));
      // A body we would have to read and drop could be large: close instead of draining it.
      respond(rc, response, keepAlive && !hasBody, http10);
      return;
    }
    filters.selectUpstream(rc);
    // RFC 9110 §7.8: an HTTP/1.1 WebSocket handshake to an HTTP/1.1 upstream keeps its Upgrade and
    // may become a tunnel. On an HTTP/2 stream only an RFC 8441 extended CONNECT, rewritten by
    // ExtendedConnectDecoder, can carry Upgrade (RFC 9113 §8.2.2 forbids it from the client).
    rc.webSocketUpgrade(
        !http10
            && rc.cluster() != null
            && !rc.cluster().h2c()
            && HopByHopFilter.isWebSocketUpgrade(request));
    exchange =
        new ForwardExchange(
            this,
            ctx,
            rc,
            request,
            hasBody,
            keepAlive,
            http10,
            filters,
            pools.pool(ctx.channel().eventLoop()));
    exchange.start();
  }

  /**
   * Sends a response made here (error or direct) for a request whose body was not forwarded, then
   * drains the request's remaining (empty) body and reads the next request, or closes.
   */
  void respond(RequestContext rc, FullHttpResponse response, boolean keepAlive, boolean http10) {
    filters.onResponse(rc, response);
    boolean bodyPhase = rc.watchingResponseBody();
    if (bodyPhase && !HttpUtil.isContentLengthSet(response)) {
      // A filter dropped the length (compression): chunk it, or delimit an HTTP/1.0 body by close.
      keepAlive &= !http10;
      HttpUtil.setTransferEncodingChunked(response, !http10);
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    rc.responseStatus(response.status().code());
    exchange = null;
    ChannelFuture written = SplitResponse.write(ctx, filters, rc, response);
    filters.onComplete(rc);
    if (keepAlive) {
      requestMessage();
    } else {
      closing = true;
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Called by the exchange once the response is complete. */
  void exchangeDone(RequestContext rc, boolean keepAlive) {
    exchange = null;
    filters.onComplete(rc);
    if (keepAlive) {
      requestMessage();
    } else if (http2) {
      // The response went down whole; closing the stream resets what remains of the request
      // (RFC 9113 §8.1) and leaves the connection's other streams alone. The connection flushes
      // once per turn (FlushConsolidationHandler, a task already queued): close after it, or the
      // reset would drop the response's last frames.
      closing = true;
      ctx.channel().eventLoop().execute(ctx::close);
    } else {
      closing = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Called by the exchange when the upstream switched to WebSocket: this handler is about to be
   * replaced by a {@link TunnelHandler}, and reads no more requests.
   */
  void exchangeUpgraded(RequestContext rc) {
    exchange = null;
    closing = true;
    filters.onComplete(rc);
  }

  /** Called by the exchange when it failed after the response began: the client sees a reset. */
  void exchangeAborted(RequestContext rc) {
    exchange = null;
    filters.onComplete(rc);
    closing = true;
    ctx.close();
  }

  /** The filters, for the exchange. */
  FilterChain filters() {
    return filters;
  }

  private void rejectAndClose(ProxyError error, String requestId) {
    log.debug("rejecting request: {}", error.detail());
    closing = true;
    FullHttpResponse response = ErrorResponses.forError(ctx.alloc(), error, requestId);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null && ctx.channel().isWritable()) {
      exchange.onDownstreamWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (exchange == null && phase == null) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseQueued();
  }

  private void releaseQueued() {
    inbound.releaseAll();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseQueued();
    if (phase != null) {
      // The client left while a filter made the request wait: nothing was forwarded yet.
      phase.cancel();
      phase = null;
    }
    if (exchange != null) {
      ForwardExchange e = exchange;
      exchange = null;
      e.abortFromDownstream();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS handshake failures and resets are the client's business; keep the log quiet.
    log.debug("client connection failed: {}", cause.toString());
    ctx.close();
  }
}
