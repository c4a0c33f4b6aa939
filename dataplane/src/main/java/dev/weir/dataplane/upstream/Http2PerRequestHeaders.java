package dev.weir.dataplane.upstream;

import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;

/**
 * HPACK's choice for the header fields whose value is new on every request ({@code x-request-id},
 * W3C {@code traceparent}): they are sent as literals never indexed (RFC 7541 §6.2.3). Indexing
 * them would only fill the dynamic table with entries no later request can use, and evict one that
 * it could on every request (RFC 7541 §4.4): work for both ends, and a worse compression. Given to
 * the HTTP/2 frame codecs, upstream and client side. Stateless.
 */
public final class Http2PerRequestHeaders implements Http2HeadersEncoder.SensitivityDetector {

  /** The one instance: it holds no state. */
  public static final Http2PerRequestHeaders INSTANCE = new Http2PerRequestHeaders();

  private static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");

  private Http2PerRequestHeaders() {}

  @Override
  public boolean isSensitive(CharSequence name, CharSequence value) {
    // HTTP/2 field names are lower case (RFC 9113 §8.2.1), so a plain comparison is enough.
    return REQUEST_ID.contentEquals(name) || TRACEPARENT.contentEquals(name);
  }
}
