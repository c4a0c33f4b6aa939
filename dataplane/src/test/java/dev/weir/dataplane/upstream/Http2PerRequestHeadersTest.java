package dev.weir.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

class Http2PerRequestHeadersTest {

  // RFC 7541 §6.2.1 and §6.2.3: the first byte of a literal with a new name.
  private static final int INCREMENTAL_INDEXING = 0x40;
  private static final int NEVER_INDEXED = 0x10;

  private final DefaultHttp2HeadersEncoder encoder =
      new DefaultHttp2HeadersEncoder(Http2PerRequestHeaders.INSTANCE);

  @Test
  void requestIdAndTraceparentAreNeverIndexed() throws Exception {
    assertThat(firstByte("x-request-id", "5f0c2a")).isEqualTo(NEVER_INDEXED);
    assertThat(firstByte("traceparent", "00-4bf9-00f0-01")).isEqualTo(NEVER_INDEXED);
  }

  @Test
  void otherFieldsAreStillIndexed() throws Exception {
    assertThat(firstByte("x-forwarded-host", "example.com")).isEqualTo(INCREMENTAL_INDEXING);
  }

  @Test
  void aNeverIndexedFieldStillDecodes() throws Exception {
    ByteBuf block = encode("x-request-id", "5f0c2a");
    try {
      Http2Headers decoded = new DefaultHttp2HeadersDecoder().decodeHeaders(1, block);
      assertThat(decoded.get("x-request-id")).hasToString("5f0c2a");
    } finally {
      block.release();
    }
  }

  private int firstByte(String name, String value) throws Exception {
    ByteBuf block = encode(name, value);
    try {
      return block.getUnsignedByte(0);
    } finally {
      block.release();
    }
  }

  private ByteBuf encode(String name, String value) throws Exception {
    ByteBuf out = Unpooled.buffer();
    encoder.encodeHeaders(1, new DefaultHttp2Headers().add(name, value), out);
    return out;
  }
}
