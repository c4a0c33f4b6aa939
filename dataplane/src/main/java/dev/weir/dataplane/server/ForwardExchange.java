package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ErrorResponses;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import dev.weir.dataplane.upstream.ClusterLoad;
import dev.weir.dataplane.upstream.UpstreamListener;
import dev.weir.dataplane.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One forwarded request, created by {@link ProxyHandler} once a request head is routed: streams the
 * request body up, and routes what happens on the upstream connection to its parts, then ends the
 * exchange (the connection back to the pool when both messages completed cleanly) or fails it.
 *
 * <ul>
 *   <li>{@link UpstreamAttempt}: one attempt's connection (pooled or new), the head sent upstream,
 *       and the mirrors started with the first attempt.
 *   <li>{@link AttemptTimer}: the route's request and backend request timeouts and the cluster's
 *       response and read timeouts.
 *   <li>{@link ClusterAdmission}: the cluster's circuit breakers (requests, pending requests,
 *       connections and retries in flight); over a limit the request fails fast with a 503 marked
 *       {@code x-weir-overloaded}.
 *   <li>{@link RetryScheduler}: whether a failed attempt is tried again, and when.
 *   <li>{@link ResponseRelay}: the response head's checks and framing, and the body streamed down.
 * </ul>
 *
 * <p>Flow control (as Netty's HexDumpProxy): both channels run on the same event loop with
 * auto-read off. A request body part is read from the client only when the upstream is writable
 * (the response side is {@link ResponseRelay}'s); nothing is buffered beyond the channels' outbound
 * buffers.
 *
 * <p>Errors: before any response byte went downstream an error becomes a 502/503/504 through {@link
 * ErrorResponses}; after, the client connection is closed, as the response cannot be fixed. A
 * failed attempt is first offered to the {@link RetryScheduler}.
 *
 * <p>Accessed only from the channel's event loop (the upstream connections share it). Reference
 * counting: request body parts are passed on by write, which releases them; everything dropped is
 * released here; response parts are handed to the {@link ResponseRelay}, which owns them.
 */
final class ForwardExchange implements UpstreamListener {

  private final ProxyHandler handler;
  private final ChannelHandlerContext down;
  private final RequestContext rc;
  private final boolean hasBody;
  private final boolean http10;
  private final String requestContentType;
  private final FilterChain filters;
  private final UpstreamPool pool;
  private final AttemptTimer timers;
  private final UpstreamAttempt attempt;
  private final RetryScheduler retries;
  private final ResponseRelay relay;
  private final ClusterAdmission admission;
  private boolean requestDone;
  private boolean done;

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
    this.hasBody = hasBody;
    this.http10 = http10;
    this.requestContentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    this.filters = filters;
    this.pool = pool;
    this.admission = new ClusterAdmission(pool, rc.cluster());
    this.timers = new AttemptTimer(this, rc, rc.cluster());
    this.attempt = new UpstreamAttempt(this, handler, rc, head, hasBody, filters, pool, timers);
    this.retries =
        new RetryScheduler(this, attempt, timers, rc, head, hasBody, filters, down.executor());
    this.relay =
        new ResponseRelay(
            this,
            down,
            rc,
            filters,
            attempt,
            timers,
            retries,
            head.method().equals(HttpMethod.HEAD),
            keepAlive,
            http10);
  }

  void start() {
    timers.startRequestTimer(down.executor());
    if (rc.endpoint() == null) {
      fail(ProxyError.upstream(ErrorKind.NO_ENDPOINTS, true, "no endpoint selected"));
      return;
    }
    if (!admission.admitRequest()) {
      fail(admission.overloaded("max_requests"));
      return;
    }
    attempt.open(rc.endpoint());
  }

  /** The cluster's counts, for new connections. */
  ClusterLoad clusterLoad() {
    return admission.load();
  }

  /** Whether the cluster's retry limits allow this exchange's retries. */
  boolean admitRetry() {
    return admission.admitRetry();
  }

  /**
   * The cluster's {@code max_connections} are open: wait as pending for a slot, then try the same
   * endpoint again; fail fast when {@code max_pending_requests} already wait.
   */
  void onConnectionLimit() {
    boolean queued =
        admission.awaitConnection(
            pool,
            down.executor(),
            () -> {
              if (!done) {
                attempt.open(attempt.endpoint());
              }
            },
            () -> fail(admission.overloaded("no connection slot in time (max_connections)")));
    if (!queued) {
      fail(admission.overloaded("max_pending_requests"));
    }
  }

  /** The current attempt got its connection. */
  void connected() {
    admission.connected();
  }

  /** Whether the exchange ended: completed, failed or aborted. */
  boolean done() {
    return done;
  }

  /** Whether the client's request ended (its last part was read). */
  boolean requestDone() {
    return requestDone;
  }

  /** Whether any of the response went to the client. */
  boolean responseStarted() {
    return relay.started();
  }

  /** Whether the exchange still waits for the response head. */
  boolean awaitingResponse() {
    return !done && !relay.started();
  }

  /** A body part (or the end) of the client's request. */
  void onDownstreamMessage(HttpObject msg) {
    Channel up = attempt.channel();
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
    relay.onDownstreamWritable();
  }

  /** The request went upstream in full: start waiting for the response head. */
  void armResponseTimeout() {
    timers.armResponse(attempt.channel());
  }

  @Override
  public void onUpstreamMessage(HttpObject msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      relay.onResponseHead(response);
    } else if (msg instanceof HttpContent content) {
      relay.onResponseContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void onUpstreamClosed() {
    reportResetBeforeResponse();
    if (retries.retryStale() || (awaitingAttempt() && retries.retry(0))) {
      return;
    }
    if (!done && attempt.channel() != null) {
      relay.upstreamUnusable();
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_CLOSED,
              false,
              attempt.endpoint() + " closed before the response ended"));
    }
  }

  @Override
  public void onUpstreamFailure(Throwable cause) {
    reportResetBeforeResponse();
    if (retries.retryStale() || (awaitingAttempt() && retries.retry(0))) {
      return;
    }
    if (!done && attempt.channel() != null) {
      relay.upstreamUnusable();
      fail(
          ProxyError.upstream(
              ErrorKind.BAD_UPSTREAM_RESPONSE, false, attempt.endpoint() + " failed: " + cause));
    }
  }

  /**
   * Outlier detection: a new connection that closes before its response head is a reset. A pooled
   * one may just have gone stale (the upstream's idle close raced our request), so it is not.
   */
  private void reportResetBeforeResponse() {
    if (awaitingAttempt() && !attempt.reused()) {
      rc.cluster().health().reportConnectFailure(attempt.endpoint());
    }
  }

  /** Whether an attempt is connected and its response has not begun. */
  private boolean awaitingAttempt() {
    return !done && attempt.channel() != null && !relay.started();
  }

  /** The current attempt's connect failed. */
  void onConnectFailed(Throwable cause) {
    rc.cluster().health().reportConnectFailure(attempt.endpoint());
    if (!retries.afterConnectFailure()) {
      fail(
          ProxyError.upstream(
              ErrorKind.CONNECT_FAILED,
              true,
              "connect to " + attempt.endpoint() + " failed: " + cause));
    }
  }

  /** The route's backend request timeout fired for the current attempt. */
  void onAttemptTimeout() {
    if (awaitingResponse() && retries.retry(0)) {
      return;
    }
    if (!done) {
      relay.upstreamUnusable();
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_TIMEOUT,
              false,
              "backend request to " + attempt.endpoint() + " timed out"));
    }
  }

  /**
   * The cluster's read timeout fired: the upstream sent nothing for that long while the response
   * was being read. A 504 if nothing went to the client yet, else a reset.
   */
  void onReadTimeout() {
    if (!done) {
      relay.upstreamUnusable();
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_TIMEOUT,
              false,
              "no data from " + attempt.endpoint() + " within the read timeout"));
    }
  }

  /** Whether the client holds the response back (so the upstream is not being read). */
  boolean clientBackpressure() {
    return !down.channel().isWritable();
  }

  /** The route's request timeout fired. */
  void onRequestTimeout() {
    if (!done) {
      relay.upstreamUnusable();
      fail(ProxyError.upstream(ErrorKind.REQUEST_TIMEOUT, false, "route request timeout"));
    }
  }

  /** The cluster's response timeout fired before a response head. */
  void onResponseTimeout() {
    if (awaitingResponse() && retries.retry(0)) {
      return;
    }
    if (awaitingResponse()) {
      relay.upstreamUnusable();
      fail(
          ProxyError.upstream(
              ErrorKind.UPSTREAM_TIMEOUT,
              false,
              "no response from " + attempt.endpoint() + " in time"));
    }
  }

  /** Drops the current attempt for the next one: its timers, response state and connection. */
  void abandonAttempt() {
    timers.cancelResponse();
    timers.cancelAttempt();
    relay.resetForRetry();
    attempt.discard();
  }

  /** The response's last part went to the client. */
  void responseDone() {
    done = true;
    ended();
    Channel up = attempt.channel();
    if (requestDone && relay.upstreamReusable() && up.isActive()) {
      pool.release(attempt.endpoint(), up, admission.limits());
      // A request waiting for one of the cluster's connections may take this one now.
      admission.wakeWaiter();
    } else {
      // The request body was cut short by an early response: the connection's state is unknown.
      up.close();
    }
    handler.exchangeDone(rc, relay.downstreamKeepAlive() && requestDone);
  }

  /**
   * The upstream accepted the WebSocket handshake with {@code response} (a 101): the exchange ends
   * here, and both connections become a {@link WebSocketTunnel}. The upstream is never pooled.
   */
  void upgraded(HttpResponse response) {
    done = true;
    ended();
    handler.exchangeUpgraded(rc);
    WebSocketTunnel.open(down, attempt.channel(), response);
  }

  /**
   * Ends the exchange with {@code error}: an error response, or a reset once the response began.
   */
  void fail(ProxyError error) {
    if (done) {
      return;
    }
    done = true;
    ended();
    attempt.close();
    rc.error(error);
    // A response head held back for its body never reached the client: answer with the error.
    relay.dropUnsentHead();
    if (relay.started()) {
      filters.onError(rc, error);
      handler.exchangeAborted(rc);
      return;
    }
    filters.onError(rc, error);
    // Keep the client connection only when no unread body remains ahead of the next request.
    boolean keepAlive = relay.downstreamKeepAlive() && (requestDone || !hasBody);
    handler.respond(
        rc,
        ErrorResponses.forError(down.alloc(), error, rc.requestId(), requestContentType),
        keepAlive,
        http10);
  }

  /**
   * The client's request broke a rule in its body (malformed, too large or too slow): the upstream
   * request is abandoned unfinished, and the client gets {@code error} and a close, or a reset once
   * the response began.
   */
  void failFromDownstream(ProxyError error) {
    if (!done) {
      relay.upstreamUnusable();
      fail(error);
    }
  }

  /** The client connection closed: drop the upstream side too. */
  void abortFromDownstream() {
    if (done) {
      return;
    }
    done = true;
    ended();
    attempt.close();
    relay.dropUnsentHead();
    filters.onComplete(rc);
  }

  /**
   * The exchange ended, however: timers stop, the attempt no longer counts as in flight, and the
   * circuit-breaker tokens are given back.
   */
  private void ended() {
    timers.cancelAll();
    retries.cancelBackoff();
    attempt.endLoad();
    admission.release();
  }
}
