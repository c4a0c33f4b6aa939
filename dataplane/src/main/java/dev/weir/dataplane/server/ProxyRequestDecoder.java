package dev.weir.dataplane.server;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, stricter about framing: a request carrying both Transfer-Encoding and
 * Content-Length is marked invalid (and answered 400) instead of having its Content-Length dropped.
 * RFC 9112 §6.3 allows either, and refusing closes the request-smuggling door that a disagreeing
 * upstream could open. Differing duplicate Content-Length values are already refused by Netty
 * ({@code allowDuplicateContentLengths=false}).
 *
 * <p>Pipeline: after TLS (if any), before the proxy handler. Accessed only from the channel's event
 * loop.
 */
final class ProxyRequestDecoder extends HttpRequestDecoder {

  ProxyRequestDecoder(ProxySettings settings) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(settings.maxInitialLineLength())
            .setMaxHeaderSize(settings.maxHeaderSize())
            .setAllowDuplicateContentLengths(false));
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new AmbiguousFramingException();
  }

  /** The request had both Transfer-Encoding and Content-Length. */
  static final class AmbiguousFramingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    AmbiguousFramingException() {
      super("both Transfer-Encoding and Content-Length");
    }
  }
}
