package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.HopByHopFilter;
import dev.weir.dataplane.filter.ProxyError;
import dev.weir.dataplane.filter.RequestContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The response half of a {@link ForwardExchange}: checks the upstream's response head, forwards
 * interim responses, hands a retryable status to the {@link RetryScheduler}, frames the response
 * for the client (RFC 9112 §6.3) and streams its body down. It also tracks whether the upstream
 * connection can be reused and whether the client connection is kept.
 *
 * <p>Flow control (as Netty's HexDumpProxy): the upstream runs on the client's event loop with
 * auto-read off, and a response part is read from the upstream only when the client is writable;
 * nothing is buffered beyond the client channel's outbound buffer.
 *
 * <p>Body phase: only when a filter asked for it in {@code onResponse} does each body part go
 * through {@link FilterChain#onResponseBody} (which may replace it) before it is written; other
 * responses are relayed part for part, untouched.
 *
 * <p>Writes to the client take the void promise: nothing waits on them, and a failed one reaches
 * {@link ProxyHandler#exceptionCaught}, which closes the connection (or stream).
 *
 * <p>Accessed only from the channel's event loop. Reference counting: takes ownership of each
 * response part it is given; parts are passed on by write, which releases them, and everything
 * dropped is released here.
 */
final class ResponseRelay {

  private final ForwardExchange exchange;
  private final ChannelHandlerContext down;
  private final RequestContext rc;
  private final FilterChain filters;
  private final UpstreamAttempt attempt;
  private final AttemptTimer timers;
  private final boolean headRequest;
  private final boolean http10;
  private final RetryScheduler retries;
  private boolean downstreamKeepAlive;
  private boolean started;
  private boolean skipInterimEnd;
  private boolean upstreamReusable = true;
  // Whether a filter asked for the body phase of this response (RequestContext.watchResponseBody).
  private boolean bodyPhase;
  // The response head, held until its first body part so both go down in one flush; until then
  // nothing reached the client, and a failure can still be answered with an error response.
  private HttpResponse unsent;
  // Body parts go down unflushed; one flush at the end of the event loop's turn sends all that one
  // upstream read brought (the upstream connection is on the same loop): one write, not one a part.
  private Runnable flushParts;
  private boolean flushScheduled;

  ResponseRelay(
      ForwardExchange exchange,
      ChannelHandlerContext down,
      RequestContext rc,
      FilterChain filters,
      UpstreamAttempt attempt,
      AttemptTimer timers,
      RetryScheduler retries,
      boolean headRequest,
      boolean keepAlive,
      boolean http10) {
    this.exchange = exchange;
    this.down = down;
    this.rc = rc;
    this.filters = filters;
    this.attempt = attempt;
    this.timers = timers;
    this.retries = retries;
    this.headRequest = headRequest;
    this.downstreamKeepAlive = keepAlive;
    this.http10 = http10;
  }

  /** Whether any of the response went to the client. */
  boolean started() {
    return started;
  }

  /** Whether the upstream connection may go back to the pool once the exchange is complete. */
  boolean upstreamReusable() {
    return upstreamReusable;
  }

  /** Marks the upstream connection as not reusable: its state is unknown. */
  void upstreamUnusable() {
    upstreamReusable = false;
  }

  /** Whether the client connection is kept after this response. */
  boolean downstreamKeepAlive() {
    return downstreamKeepAlive;
  }

  /**
   * Drops a response head that never reached the client (the exchange failed before its body), so
   * that the client can be answered with an error instead of a reset.
   */
  void dropUnsentHead() {
    if (unsent != null) {
      ReferenceCountUtil.release(unsent);
      unsent = null;
      started = false;
    }
  }

  /** Forgets the abandoned attempt's response state before the next attempt. */
  void resetForRetry() {
    skipInterimEnd = false;
    upstreamReusable = true;
  }

  /** A response head from the current attempt's connection. */
  void onResponseHead(HttpResponse response) {
    timers.cancelResponse();
    Channel up = attempt.channel();
    int code = response.status().code();
    if (rc.webSocketUpgrade()) {
      // RFC 6455: the connection either switches protocols or carries one ordinary response
      // after a request that asked to upgrade it; it is not pooled either way.
      upstreamReusable = false;
      if (code == 101 && !response.decoderResult().isFailure()) {
        started = true;
        long now = System.nanoTime();
        rc.stats().upstreamHead(now);
        rc.stats().firstByte(now);
        rc.upstreamResponse(true);
        rc.responseStatus(code);
        filters.onResponse(rc, response);
        exchange.upgraded(response);
        return;
      }
    }
    if (response.decoderResult().isFailure() || code == 101) {
      // Upgrade was stripped from the request, so a 101 is as invalid as a malformed head.
      ReferenceCountUtil.release(response);
      upstreamReusable = false;
      exchange.fail(
          ProxyError.upstream(ErrorKind.BAD_UPSTREAM_RESPONSE, false, "bad response head"));
      return;
    }
    if (code < 200) {
      // RFC 9110 §15.2: interim responses are forwarded; the decoder follows each with an empty
      // end, which is skipped, since the full response written here already ends the message.
      HopByHopFilter.strip(response.headers());
      ReferenceCountUtil.release(response);
      // An HTTP/2 upstream's interim response arrives whole, with no end to skip.
      skipInterimEnd = !(response instanceof LastHttpContent);
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
    // Outlier detection counts every final response, a retried one too.
    rc.cluster().health().reportStatus(attempt.endpoint(), code);
    if (retries.retriesStatus(code)) {
      ReferenceCountUtil.release(response);
      retries.retry(code);
      return;
    }
    started = true;
    rc.stats().upstreamHead(System.nanoTime());
    boolean lengthKnown = HttpUtil.isContentLengthSet(response);
    boolean chunked = HttpUtil.isTransferEncodingChunked(response);
    boolean bodyless = headRequest || code == 204 || code == 304;
    if (!HttpUtil.isKeepAlive(response) || (!lengthKnown && !chunked && !bodyless)) {
      // RFC 9112 §6.3: without length or chunking the body ends with the connection.
      upstreamReusable = false;
    }
    rc.upstreamResponse(true);
    filters.onResponse(rc, response);
    // The filters may have changed the status (a cache's 304 turned into its stored 200) or the
    // length (compression): the client's framing follows the head as it now is.
    code = response.status().code();
    lengthKnown = HttpUtil.isContentLengthSet(response);
    bodyless = headRequest || code == 204 || code == 304;
    bodyPhase = rc.watchingResponseBody();
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
    if (response instanceof LastHttpContent) {
      // A whole response in one message: an HTTP/2 HEADERS frame that ended the stream, such as a
      // trailers-only gRPC response (grpc-status in the head).
      rc.stats().upstreamEnd(System.nanoTime());
      SplitResponse.write(down, filters, rc, (FullHttpResponse) response);
      exchange.responseDone();
      return;
    }
    unsent = response;
    timers.armRead(up);
    if (down.channel().isWritable()) {
      up.read();
    }
  }

  /**
   * A response body part (or the end) from the current attempt's connection. The end's trailing
   * fields (HTTP/2 trailers such as gRPC's {@code grpc-status}) go down with it: as a HEADERS frame
   * ending the stream to an HTTP/2 client, as a chunked trailer section to an HTTP/1.1 one (RFC
   * 9112 §7.1.2).
   */
  void onResponseContent(HttpContent content) {
    Channel up = attempt.channel();
    if (skipInterimEnd) {
      ReferenceCountUtil.release(content);
      if (content instanceof LastHttpContent) {
        skipInterimEnd = false;
      }
      up.read();
      return;
    }
    timers.readProgress();
    if (unsent != null) {
      rc.stats().firstByte(System.nanoTime());
      down.write(unsent, down.voidPromise());
      unsent = null;
    }
    HttpContent part = bodyPhase ? filters.onResponseBody(rc, content) : content;
    rc.stats().addResponseBytes(part.content().readableBytes());
    if (part instanceof LastHttpContent) {
      rc.stats().upstreamEnd(System.nanoTime());
      down.writeAndFlush(part, down.voidPromise());
      exchange.responseDone();
    } else {
      down.write(part, down.voidPromise());
      flushSoon();
      if (down.channel().isWritable()) {
        up.read();
      }
    }
  }

  private void flushSoon() {
    if (flushScheduled) {
      return;
    }
    if (flushParts == null) {
      flushParts =
          () -> {
            flushScheduled = false;
            down.flush();
          };
    }
    flushScheduled = true;
    down.executor().execute(flushParts);
  }

  /** The client can take more of the response: read the next part from the upstream. */
  void onDownstreamWritable() {
    Channel up = attempt.channel();
    if (started && !exchange.done() && up != null) {
      timers.readProgress();
      up.read();
    }
  }
}
