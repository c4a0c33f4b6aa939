package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty's request decoder, stricter about framing and impatient with slow clients.
 *
 * <p>Framing (RFC 9112): Netty already refuses, with an invalid message that {@link ProxyHandler}
 * answers 400, differing or repeated Content-Length values ({@code
 * allowDuplicateContentLengths=false}, so {@code 5, 5} is refused too), a Transfer-Encoding whose
 * last coding is not chunked, bare CR and bare LF line ends ({@code strictLineParsing}), control
 * characters and whitespace before the colon in fields ({@code validateHeaders}), and bad chunk
 * sizes. On top of that, a request carrying both Transfer-Encoding and Content-Length is refused
 * instead of having its Content-Length dropped (§6.3 allows either; refusing closes the
 * request-smuggling door a disagreeing upstream could open), and {@link HeadScanner} refuses
 * obs-fold and a request line whose parts are not separated by single spaces. Once a head is
 * refused, the rest of the connection's input is dropped.
 *
 * <p>Slow clients: a head must end within {@link Http1Limits#requestHeaderTimeout()} of its first
 * byte, else {@link #HEAD_TIMEOUT} goes to the proxy handler in the head's place. While a body is
 * being read, a gap of {@link Http1Limits#requestBodyTimeout()} without a byte sends {@link
 * #BODY_TIMEOUT}, which the handler acts on only if it was waiting for the client (not for the
 * upstream). One timer at most is scheduled per connection, and only while a head or body is
 * incomplete after a read, so a request that arrives in one read schedules nothing.
 *
 * <p>Pipeline: after TLS (if any), before the proxy handler. Accessed only from the channel's event
 * loop.
 */
final class ProxyRequestDecoder extends HttpRequestDecoder {

  /** Sent in place of a request whose head did not end in time: the handler answers 408. */
  static final ProxyError HEAD_TIMEOUT =
      ProxyError.downstream(ErrorKind.CLIENT_TIMEOUT, "request head too slow");

  /** Sent when no body byte arrived for a while. */
  static final Object BODY_TIMEOUT = new Object();

  private final long headTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final HeadScanner scanner = new HeadScanner();
  // Bytes after the reader index that the scanner has seen already.
  private int scannedAhead;
  // A head went up and its last content has not yet.
  private boolean inBody;
  // A head was refused here: everything after it is dropped.
  private boolean refused;
  // When the first byte of the head being read arrived, or -1 between requests.
  private long headStartNanos = -1;
  private long lastBodyReadNanos;
  private ScheduledFuture<?> timer;

  ProxyRequestDecoder(ProxySettings settings) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(settings.maxInitialLineLength())
            .setMaxHeaderSize(settings.maxHeaderSize())
            .setAllowDuplicateContentLengths(false)
            .setStrictLineParsing(true)
            .setValidateHeaders(true));
    this.headTimeoutNanos = settings.http1().requestHeaderTimeout().toNanos();
    this.bodyTimeoutNanos = settings.http1().requestBodyTimeout().toNanos();
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new AmbiguousFramingException();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (inBody) {
      lastBodyReadNanos = System.nanoTime();
    } else {
      if (headStartNanos < 0) {
        headStartNanos = System.nanoTime();
      }
      if (!scan(in)) {
        refused = true;
        in.skipBytes(in.readableBytes());
        HttpMessage invalid = createInvalidMessage();
        invalid.setDecoderResult(DecoderResult.failure(new MalformedHeadException()));
        out.add(invalid);
        return;
      }
    }
    int readable = in.readableBytes();
    int first = out.size();
    super.decode(ctx, in, out);
    scannedAhead = Math.max(0, scannedAhead - (readable - in.readableBytes()));
    for (int i = first; i < out.size(); i++) {
      Object msg = out.get(i);
      if (msg instanceof HttpRequest) {
        inBody = true;
        headStartNanos = -1;
        lastBodyReadNanos = System.nanoTime();
      }
      if (msg instanceof LastHttpContent) {
        inBody = false;
        scanner.reset();
        scannedAhead = 0;
      }
    }
    if (timer == null && (inBody || headStartNanos >= 0)) {
      schedule(ctx, inBody ? bodyTimeoutNanos : headTimeoutNanos);
    }
  }

  /** Feeds the scanner the head's bytes it has not seen; false if they break its rules. */
  private boolean scan(ByteBuf in) {
    if (scanner.done()) {
      return true;
    }
    int from = in.readerIndex() + scannedAhead;
    int end = in.writerIndex();
    if (from < end) {
      int stop = in.forEachByte(from, end - from, scanner);
      scannedAhead = (stop < 0 ? end : stop + 1) - in.readerIndex();
    }
    return !scanner.invalid();
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    timer = ctx.executor().schedule(() -> onTimer(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  // Checks the deadline of whatever is incomplete now, and waits again for what is left of it.
  private void onTimer(ChannelHandlerContext ctx) {
    timer = null;
    if (refused || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (inBody) {
      long left = bodyTimeoutNanos - (now - lastBodyReadNanos);
      if (left <= 0) {
        lastBodyReadNanos = now;
        ctx.fireChannelRead(BODY_TIMEOUT);
        left = bodyTimeoutNanos;
      }
      schedule(ctx, left);
    } else if (headStartNanos >= 0) {
      long left = headTimeoutNanos - (now - headStartNanos);
      if (left > 0) {
        schedule(ctx, left);
        return;
      }
      refused = true;
      ctx.fireChannelRead(HEAD_TIMEOUT);
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancelTimer();
    super.handlerRemoved0(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimer();
    super.channelInactive(ctx);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The request had both Transfer-Encoding and Content-Length. */
  static final class AmbiguousFramingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    AmbiguousFramingException() {
      super("both Transfer-Encoding and Content-Length");
    }
  }

  /** The head had an obs-fold or a request line with extra whitespace. */
  static final class MalformedHeadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MalformedHeadException() {
      super("obs-fold or extra whitespace in the request line");
    }
  }
}
