package dev.weir.dataplane.server;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** What the client is told when its request head could not be decoded. Stateless. */
final class DecodeErrors {

  private DecodeErrors() {}

  /** 414 for a request line too long (RFC 9112 §3), 431 for headers (RFC 6585 §5), else 400. */
  static ProxyError toProxyError(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return ProxyError.downstream(ErrorKind.URI_TOO_LONG, "request line too long");
    }
    if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      return ProxyError.downstream(ErrorKind.HEADERS_TOO_LARGE, "header section too large");
    }
    return ProxyError.downstream(ErrorKind.BAD_REQUEST, "malformed request: " + cause.getMessage());
  }
}
