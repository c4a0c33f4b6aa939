package dev.weir.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;

/**
 * First handler of a cleartext client connection: tells HTTP/2 with prior knowledge (RFC 9113 §3.3,
 * how gRPC clients connect) from HTTP/1.x by the connection preface, then has {@link
 * ProtocolPipelines} complete the pipeline and removes itself; the bytes read so far go on to the
 * new handlers. The HTTP/1.1 {@code Upgrade: h2c} dance (removed by RFC 9113 §3.1) is not offered.
 *
 * <p>Reads are off: this handler asks for the first read, and more while the bytes seen match the
 * preface but are fewer than its 24. Accessed only from the channel's event loop.
 */
final class PrefaceDetector extends ByteToMessageDecoder {

  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final ProtocolPipelines pipelines;

  PrefaceDetector(ProtocolPipelines pipelines) {
    this.pipelines = pipelines;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Withheld from the handlers to come: they are told once added.
    ctx.read();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n)) {
      pipelines.http1(ctx);
      ctx.pipeline().remove(this);
    } else if (n == PREFACE.readableBytes()) {
      pipelines.http2(ctx);
      ctx.pipeline().remove(this);
    }
    // else a prefix of the preface: ByteToMessageDecoder reads more, as nothing was decoded.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
