package dev.weir.dataplane.server;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The head of an HTTP/2 request whose HEADERS frame ended the stream: it has no body (RFC 9113
 * §8.1), whatever its headers say. Shares the full request's headers.
 */
final class EndedStreamHead extends DefaultHttpRequest {
  EndedStreamHead(FullHttpRequest full) {
    super(full.protocolVersion(), full.method(), full.uri(), full.headers());
    setDecoderResult(full.decoderResult());
  }
}
