package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.FilterChain;
import dev.weir.dataplane.filter.RequestContext;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A whole response cut into its head and its body's one last part, so that the body phase ({@link
 * dev.weir.dataplane.filter.ProxyFilter#onResponseBody}) sees it like a streamed one. Immutable.
 *
 * <p>Reference counting: the body takes over the whole response's one reference (its buffer); the
 * head holds no buffer.
 *
 * @param head the status and headers (the same header object as the whole response)
 * @param body the content and trailing headers
 */
record SplitResponse(HttpResponse head, LastHttpContent body) {

  /**
   * Writes and flushes a whole response: through the body phase when a filter asked for it ({@link
   * RequestContext#watchingResponseBody()}), else as it is; its first byte and body length go into
   * the exchange's stats.
   */
  static ChannelFuture write(
      ChannelOutboundInvoker out, FilterChain filters, RequestContext rc, FullHttpResponse full) {
    rc.stats().firstByte(System.nanoTime());
    if (!rc.watchingResponseBody()) {
      rc.stats().addResponseBytes(full.content().readableBytes());
      return out.writeAndFlush(full);
    }
    SplitResponse split = of(full);
    out.write(split.head());
    HttpContent body = filters.onResponseBody(rc, split.body());
    rc.stats().addResponseBytes(body.content().readableBytes());
    return out.writeAndFlush(body);
  }

  static SplitResponse of(FullHttpResponse full) {
    return new SplitResponse(
        new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()),
        new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
  }
}
