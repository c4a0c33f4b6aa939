package dev.weir.dataplane.filter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One response body being gzipped as it streams (RFC 1952), with Netty's zlib encoder in an
 * embedded channel, as Netty's own {@code HttpContentCompressor} does. Each part is flushed through
 * the deflater (sync flush), so a streamed response keeps streaming.
 *
 * <p>Accessed only from the exchange's event loop. Reference counting: {@link #encode} takes the
 * part's reference and returns a new part that owns the compressed bytes; {@link #close} frees the
 * encoder's state and whatever it still holds, and must be called once the exchange ends.
 */
final class GzipBody {

  private static final int LEVEL = 6;

  private final EmbeddedChannel encoder =
      new EmbeddedChannel(ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, LEVEL));

  /** Compresses {@code part} (released here); the last part also ends the gzip stream. */
  HttpContent encode(HttpContent part) {
    ByteBuf in = part.content();
    if (in.isReadable()) {
      encoder.writeOutbound(in.retain());
    }
    HttpContent out;
    if (part instanceof LastHttpContent last) {
      encoder.finish();
      out = new DefaultLastHttpContent(drain(), last.trailingHeaders().copy());
    } else {
      out = new DefaultHttpContent(drain());
    }
    part.release();
    return out;
  }

  private ByteBuf drain() {
    CompositeByteBuf all = null;
    for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
      if (!b.isReadable()) {
        b.release();
        continue;
      }
      if (all == null) {
        all = encoder.alloc().compositeBuffer();
      }
      all.addComponent(true, b);
    }
    return all == null ? Unpooled.EMPTY_BUFFER : all;
  }

  /** Ends the encoder and releases what it holds; idempotent. */
  void close() {
    encoder.finishAndReleaseAll();
  }
}
