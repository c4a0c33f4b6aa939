package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ErrorResponses;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.HopByHopFilter;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.routing.Mirror;
import dev.weir.dataplane.routing.RetryPolicy;
import dev.weir.dataplane.upstream.UpstreamCluster;
import dev.weir.dataplane.upstream.UpstreamEndpoint;
import dev.weir.dataplane.upstream.UpstreamListener;
import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One forwarded request: leases or opens an upstream connection (retrying a failed connect once on
 * another endpoint, which is safe because nothing was sent), streams the request body up and the
 * response down, and returns the connection to the pool when both messages completed cleanly. It
 * also starts the route's mirrors ({@link MirrorExchange}) once the head is ready to go upstream.
 *
 * <p>Retries (a route's {@link RetryPolicy}, Gateway API HTTPRouteRetry): after a connection
 * failure, a timeout or close before any response byte, or a response whose status the policy
 * lists, the request is sent again, up to the policy's attempts, after its backoff (a timer on the
 * event loop), to another endpoint when there is one. Only while nothing went downstream and no
 * request body was read from the client: a body-less request, or one whose first connect failed.
 * The failed attempt's connection is handed to a discarding listener and closed, so its remaining
 * response bytes are released and never mix with the next attempt's.
 *
 * <p>Flow control (as Netty's HexDumpProxy): both channels run on the same event loop with
 * auto-read off. A request body part is read from the client only when the upstream is writable,
 * and a response part is read from the upstream only when the client is writable; nothing is
 * buffered beyond the channels' outbound buffers.
 *
 * <p>Errors: before any response byte went downstream an error becomes a 502/504 through {@link
 * ErrorResponses}; after, the client connection is closed, as the response cannot be fixed.
 *
 * <p>Reference counting: body parts are passed on by write, which releases them; everything dropped
 * is released here. Accessed only from the event loop of both channels.
 */
final class ForwardExchange implements UpstreamListener {

  private final ProxyHandler handler;
  private final ChannelHandlerContext down;
  private final RequestContext rc;
  private final HttpRequest head;
  private final boolean hasBody;
  private final boolean http10;
  private final boolean headRequest;
  private final FilterChain filters;
  private final UpstreamPool pool;
  private final UpstreamCluster cluster;
  private boolean downstreamKeepAlive;
  private UpstreamEndpoint endpoint;
  private Channel up;
  private boolean retried;
  private boolean reused;
  private boolean staleRetried;
  private boolean headPrepared;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean skipInterimEnd;
  private boolean upstreamReusable = true;
  private boolean done;
  private ScheduledFuture<?> timeout;
  private ScheduledFuture<?> attemptTimeout;
  private ScheduledFuture<?> requestTimeout;
  private final RetryPolicy retry;
  private int attempts = 1;
  private ScheduledFuture<?> backoff;

  /** Takes over a failed attempt's connection: releases what still arrives, ignores the rest. */
  private static final UpstreamListener DISCARD =
      new UpstreamListener() {
        @Override
        public void onUpstreamMessage(HttpObject msg) {
          ReferenceCountUtil.release(msg);
        }

        @Override
        public void onUpstreamClosed() {}

        @Override
        public void onUpstreamFailure(Throwable cause) {}

        @Override
        public void onUpstreamWritabilityChanged(boolean writable) {}
      };

  ForwardExchange(
      ProxyHandler handler,
      ChannelHandlerContext down,
      RequestContext rc,
      HttpRequest head,
      boolean hasBody,
      boolean keepAlive,
      boolean http10,
      FilterChain filters,
      UpstreamPool pool) {
    this.handler = handler;
    this.down = down;
    this.rc = rc;
    this.head = head;
    this.hasBody = hasBody;
    this.downstreamKeepAlive = keepAlive;
    this.http10 = http10;
    this.headRequest = head.method().equals(HttpMethod.HEAD);
    this.filters = filters;
    this.pool = pool;
    this.cluster = rc.cluster();
    this.retry = rc.route().retry();
  }

  void start() {
    long requestMillis = rc.route().timeouts().requestMillis();
    if (requestMillis > 0) {
      // Counted from the request head's arrival, which is when the context was made.
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rc.startNanos());
      requestTimeout =
          down.executor()
              .schedule(
                  this::onRequestTimeout,
                  Math.max(0, requestMillis - elapsed),
                  TimeUnit.MILLISECONDS);
    }
    endpoint = rc.endpoint();
    if (endpoint == null) {
      fail(ProxyError.upstream(ErrorKind.NO_ENDPOINTS, true, "no endpoint selected"));
      return;
    }
    Channel idle = pool.acquireIdle(endpoint, this);
    if (idle != null) {
      attached(idle, true);
    } else {
      connect();
    }
  }

  private void connect() {
    ChannelFuture f = pool.connect(endpoint, cluster.connectTimeoutMillis());
    f.addListener(
        future -> {
          if (done) {
            f.channel().close();
          } else if (future.isSuccess()) {
            UpstreamPool.lease(f.channel(), this);
            attached(f.channel(), false);
          } else {
            connectFailed(future.cause());
          }
        });
  }

  private void connectFailed(Throwable cause) {
    if (retry.enabled()) {
      if (!retryAttempt(0)) {
        fail(
            ProxyError.upstream(
                ErrorKind.CONNECT_FAILED, true, "connect to " + endpoint + " failed: " + cause));
      }
      return;
    }
    if (!retried) {
      retried = true;
      UpstreamEndpoint failed = endpoint;
      filters.selectUpstream(rc);
      UpstreamEndpoint other = rc.endpoint();
      if (other != null && !other.equals(failed)) {
        endpoint = other;
        Channel idle = pool.acquireIdle(endpoint, this);
        if (idle != null) {
          attached(idle, true);
        } else {
          connect();
        }
        return;
      }
    }
    fail(
        ProxyError.upstream(
            ErrorKind.CONNECT_FAILED, true, "connect to " + endpoint + " failed: " + cause));
  }

  private void attached(Channel ch, boolean fromPool) {
    up = ch;
    reused = fromPool;
    armAttemptTimeout();
    if (!headPrepared) {
      headPrepared = true;
      filters.onUpstreamRequest(rc, head);
      if (hasBody && !HttpUtil.isContentLengthSet(head)) {
        HttpUtil.setTransferEncodingChunked(head, true);
      }
      head.setProtocolVersion(HttpVersion.HTTP_1_1);
      List<Mirror> mirrors = rc.route().mirrors();
      if (!mirrors.isEmpty() && !hasBody) {
        for (Mirror m : mirrors) {
          if (m.sample()) {
            MirrorExchange.send(pool, m, head);
          }
        }
      }
    }
    if (requestDone) {
      // Resending a body-less request after a stale pooled connection; the head is not
      // reference-counted, so it can be encoded again.
      up.write(head);
      up.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> armResponseTimeout());
      up.read();
      return;
    }
    up.write(head);
    // Read the upstream at once: it may answer before the request body is complete.
    up.read();
    handler.requestMessage();
  }

  /** A body part (or the end) of the client's request. */
  void onDownstreamMessage(HttpObject msg) {
    if (!done && up == null && !hasBody && msg instanceof LastHttpContent) {
      // A body-less request's end, read while a retry waits: the resend writes its own end.
      requestDone = true;
      ReferenceCountUtil.release(msg);
      return;
    }
    if (done || up == null || !(msg instanceof HttpContent)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof LastHttpContent) {
      requestDone = true;
      up.writeAndFlush(msg)
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  armResponseTimeout();
                }
              });
    } else {
      up.writeAndFlush(msg);
      if (up.isWritable()) {
        handler.requestMessage();
      }
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (writable && !requestDone && !done) {
      handler.requestMessage();
    }
  }

  /** The client can take more of the response. */
  void onDownstreamWritable() {
    if (responseStarted && !done && up != null) {
      up.read();
    }
  }

  /**
   * A route's backend request timeout covers one attempt, from sending the request to the
   * response's last byte; it replaces the cluster's response timeout.
   */
  private void armAttemptTimeout() {
    long millis = rc.route().timeouts().backendRequestMillis();
    if (millis > 0) {
      cancel(attemptTimeout);
      attemptTimeout =
          up.eventLoop().schedule(this::onAttemptTimeout, millis, TimeUnit.MILLISECONDS);
    }
  }

  private void onAttemptTimeout() {
    if (!done && !responseStarted && retryAttempt(0)) {
      return;
    }
    if (!done) {
      upstreamReusable = false;
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_TIMEOUT, false, "backend request to " + endpoint + " timed out"));
    }
  }

  private void onRequestTimeout() {
    if (!done) {
      upstreamReusable = false;
      fail(ProxyError.upstream(ErrorKind.REQUEST_TIMEOUT, false, "route request timeout"));
    }
  }

  private void armResponseTimeout() {
    if (!done && !responseStarted && rc.route().timeouts().backendRequestMillis() == 0) {
      timeout =
          up.eventLoop()
              .schedule(this::onTimeout, cluster.responseTimeoutMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void onTimeout() {
    if (!done && !responseStarted && retryAttempt(0)) {
      return;
    }
    if (!done && !responseStarted) {
      upstreamReusable = false;
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_TIMEOUT, false, "no response from " + endpoint + " in time"));
    }
  }

  @Override
  public void onUpstreamMessage(HttpObject msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      onResponseHead(response);
    } else if (msg instanceof HttpContent content) {
      onResponseContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponseHead(HttpResponse response) {
    cancelTimeout();
    int code = response.status().code();
    if (response.decoderResult().isFailure() || code == 101) {
      // Upgrade was stripped from the request, so a 101 is as invalid as a malformed head.
      ReferenceCountUtil.release(response);
      upstreamReusable = false;
      fail(ProxyError.upstream(ErrorKind.BAD_UPSTREAM_RESPONSE, false, "bad response head"));
      return;
    }
    if (code < 200) {
      // RFC 9110 §15.2: interim responses are forwarded; the decoder follows each with an empty
      // end, which is skipped, since the full response written here already ends the message.
      HopByHopFilter.strip(response.headers());
      ReferenceCountUtil.release(response);
      skipInterimEnd = true;
      down.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              response.status(),
              Unpooled.EMPTY_BUFFER,
              response.headers(),
              EmptyHttpHeaders.INSTANCE));
      up.read();
      return;
    }
    if (retry.retriesStatus(code) && canRetry(code)) {
      ReferenceCountUtil.release(response);
      retryAttempt(code);
      return;
    }
    responseStarted = true;
    boolean lengthKnown = HttpUtil.isContentLengthSet(response);
    boolean chunked = HttpUtil.isTransferEncodingChunked(response);
    boolean bodyless = headRequest || code == 204 || code == 304;
    if (!HttpUtil.isKeepAlive(response) || (!lengthKnown && !chunked && !bodyless)) {
      // RFC 9112 §6.3: without length or chunking the body ends with the connection.
      upstreamReusable = false;
    }
    rc.upstreamResponse(true);
    filters.onResponse(rc, response);
    if (!lengthKnown && !bodyless) {
      if (http10) {
        downstreamKeepAlive = false; // HTTP/1.0 has no chunking: the close delimits the body
      } else {
        HttpUtil.setTransferEncodingChunked(response, true);
      }
    }
    if (!downstreamKeepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    rc.responseStatus(code);
    down.write(response);
    if (down.channel().isWritable()) {
      up.read();
    }
  }

  private void onResponseContent(HttpContent content) {
    if (skipInterimEnd) {
      ReferenceCountUtil.release(content);
      if (content instanceof LastHttpContent) {
        skipInterimEnd = false;
      }
      up.read();
      return;
    }
    if (content instanceof LastHttpContent) {
      down.writeAndFlush(content);
      responseDone();
    } else {
      down.writeAndFlush(content);
      if (down.channel().isWritable()) {
        up.read();
      }
    }
  }

  private void responseDone() {
    done = true;
    cancelTimeout();
    if (requestDone && upstreamReusable && up.isActive()) {
      pool.release(endpoint, up);
    } else {
      // The request body was cut short by an early response: the connection's state is unknown.
      up.close();
    }
    handler.exchangeDone(rc, downstreamKeepAlive && requestDone);
  }

  @Override
  public void onUpstreamClosed() {
    if (retryStale() || (!done && up != null && !responseStarted && retryAttempt(0))) {
      return;
    }
    if (!done && up != null) {
      upstreamReusable = false;
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_CLOSED, false, endpoint + " closed before the response ended"));
    }
  }

  @Override
  public void onUpstreamFailure(Throwable cause) {
    if (retryStale() || (!done && up != null && !responseStarted && retryAttempt(0))) {
      return;
    }
    if (!done && up != null) {
      upstreamReusable = false;
      fail(
          ProxyError.upstream(
              ErrorKind.BAD_UPSTREAM_RESPONSE, false, endpoint + " failed: " + cause));
    }
  }

  /**
   * A pooled connection may have been closed by the upstream just as it was reused. If nothing of
   * the response arrived and the request is idempotent without a body (RFC 9110 §9.2.2), sending it
   * again on a new connection is safe; done at most once.
   */
  private boolean retryStale() {
    if (done
        || up == null
        || !reused
        || staleRetried
        || responseStarted
        || hasBody
        || !requestDone
        || !idempotent(head.method())) {
      return false;
    }
    staleRetried = true;
    cancelTimeout();
    up.close();
    up = null;
    connect();
    return true;
  }

  /**
   * Whether the route's retry policy allows another attempt after this one failed with {@code
   * status} (0 for a connection failure or timeout). A request body may have been read from the
   * client once its head went upstream, so such a request is only retried before that.
   */
  private boolean canRetry(int status) {
    return !done
        && retry.shouldRetry(attempts, status, hasBody && headPrepared, responseStarted)
        && (hasBody || requestDone || up == null);
  }

  /**
   * Starts the next attempt if {@link #canRetry}: drops the failed connection (its remaining
   * response is released by {@link #DISCARD}), then after the backoff picks an endpoint again.
   */
  private boolean retryAttempt(int status) {
    if (!canRetry(status)) {
      return false;
    }
    attempts++;
    cancelTimeout();
    cancel(attemptTimeout);
    attemptTimeout = null;
    skipInterimEnd = false;
    upstreamReusable = true;
    if (up != null) {
      UpstreamPool.lease(up, DISCARD);
      up.close();
      up = null;
    }
    if (retry.backoffMillis() > 0) {
      backoff =
          down.executor().schedule(this::nextAttempt, retry.backoffMillis(), TimeUnit.MILLISECONDS);
    } else {
      nextAttempt();
    }
    return true;
  }

  private void nextAttempt() {
    backoff = null;
    if (done) {
      return;
    }
    UpstreamEndpoint failed = endpoint;
    // The routing filter asks for an endpoint other than the failed one; with one endpoint the
    // retry goes back to it.
    filters.selectUpstream(rc);
    if (rc.endpoint() == null) {
      rc.endpoint(failed);
    }
    endpoint = rc.endpoint();
    Channel idle = pool.acquireIdle(endpoint, this);
    if (idle != null) {
      attached(idle, true);
    } else {
      connect();
    }
  }

  /** RFC 9110 §9.2.2. */
  private static boolean idempotent(HttpMethod m) {
    return m.equals(HttpMethod.GET)
        || m.equals(HttpMethod.HEAD)
        || m.equals(HttpMethod.OPTIONS)
        || m.equals(HttpMethod.TRACE)
        || m.equals(HttpMethod.PUT)
        || m.equals(HttpMethod.DELETE);
  }

  private void fail(ProxyError error) {
    if (done) {
      return;
    }
    done = true;
    cancelTimeout();
    if (up != null) {
      up.close();
    }
    rc.error(error);
    if (responseStarted) {
      filters.onError(rc, error);
      handler.exchangeAborted(rc);
      return;
    }
    filters.onError(rc, error);
    // Keep the client connection only when no unread body remains ahead of the next request.
    boolean keepAlive = downstreamKeepAlive && (requestDone || !hasBody);
    handler.respond(
        rc, ErrorResponses.forError(down.alloc(), error, rc.requestId()), keepAlive, http10);
  }

  /** The client connection closed: drop the upstream side too. */
  void abortFromDownstream() {
    if (done) {
      return;
    }
    done = true;
    cancelTimeout();
    if (up != null) {
      up.close();
    }
    filters.onComplete(rc);
  }

  /** Cancels the response timeout; on the exchange's end also the route's timeouts. */
  private void cancelTimeout() {
    cancel(timeout);
    timeout = null;
    if (done) {
      cancel(attemptTimeout);
      cancel(requestTimeout);
      cancel(backoff);
      attemptTimeout = null;
      requestTimeout = null;
      backoff = null;
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
