package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ExchangeStats;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Checks one request body as it streams through {@link ProxyHandler}: its size against the route's
 * limit (RFC 9110 §15.5.14: 413) and each part's framing as the decoder found it (RFC 9112 §7.1: a
 * bad chunk is 400, a chunk-size line too long included), and counts its bytes into the exchange's
 * {@link ExchangeStats}. One per connection or stream, reset per request; accessed only from the
 * channel's event loop.
 */
final class RequestBodyCheck {

  private long left = Long.MAX_VALUE;
  private ExchangeStats stats;

  /**
   * Starts checking the body of {@code head}.
   *
   * @param limit the largest body allowed, 0 for no limit
   * @param stats where the body's bytes are counted
   * @return 413's error if the declared Content-Length is over the limit already, else null
   */
  ProxyError start(HttpRequest head, long limit, ExchangeStats stats) {
    this.stats = stats;
    left = limit == 0 ? Long.MAX_VALUE : limit;
    if (limit != 0 && HttpUtil.getContentLength(head, 0L) > limit) {
      return tooLarge();
    }
    return null;
  }

  /**
   * Whether a body follows {@code request}. RFC 9112 §6.3: "Content-Length: 0" frames an empty
   * body, the same as no body at all, so such a request can be retried and mirrored like any
   * bodyless one. On an HTTP/2 stream a head that did not end the stream is followed by a body (RFC
   * 9113 §8.1), with or without content-length.
   */
  static boolean hasBody(HttpRequest request, boolean http2) {
    return HttpUtil.isTransferEncodingChunked(request)
        || HttpUtil.getContentLength(
                request, http2 && !(request instanceof EndedStreamHead) ? -1L : 0L)
            != 0;
  }

  /** The error {@code part} makes of the body, or null if it may go upstream. */
  ProxyError check(HttpContent part) {
    if (part.decoderResult().isFailure()) {
      return ProxyError.downstream(
          ErrorKind.BAD_REQUEST,
          "malformed request body: " + part.decoderResult().cause().getMessage());
    }
    int n = part.content().readableBytes();
    stats.addRequestBytes(n);
    left -= n;
    return left < 0 ? tooLarge() : null;
  }

  private static ProxyError tooLarge() {
    return ProxyError.downstream(ErrorKind.BODY_TOO_LARGE, "request body too large");
  }
}
