package dev.weir.dataplane.health;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Function;

/**
 * A check over HTTP/2 (h2c with prior knowledge, RFC 9113 §3.3, or h2 over TLS, §3.2): one request
 * on one stream of a connection of its own, and a verdict on the whole response (headers, body up
 * to {@link #MAX_BODY} bytes, trailers). Used for the HTTP check of an HTTP/2 cluster and for the
 * gRPC check ({@link GrpcHealthMessages}). Immutable; any thread.
 */
final class Http2Probe implements HealthProbe {

  /** More of a response body than a verdict needs is dropped. */
  static final int MAX_BODY = 4096;

  /** What a check sends: a function of the connection (for the default authority), and a body. */
  interface Request {
    Http2Headers headers(Channel ch);

    /** The request body, or null for none. */
    byte[] body();
  }

  /** Judges a complete response: null when healthy, else the reason. */
  interface Verdict {
    String judge(Http2Headers headers, Http2Headers trailers, byte[] body);
  }

  private final Request request;
  private final Verdict verdict;

  Http2Probe(Request request, Verdict verdict) {
    this.request = request;
    this.verdict = verdict;
  }

  /** A request without a body whose headers depend only on the connection. */
  static Request bodyless(Function<Channel, Http2Headers> headers) {
    return new Request() {
      @Override
      public Http2Headers headers(Channel ch) {
        return headers.apply(ch);
      }

      @Override
      public byte[] body() {
        return null;
      }
    };
  }

  @Override
  public boolean h2() {
    return true;
  }

  @Override
  public void exchange(Channel ch, Promise<Void> result) {
    ch.pipeline()
        .addLast(
            Http2FrameCodecBuilder.forClient().build(),
            // Server push is never enabled (RFC 9113 §8.4), so no inbound stream is expected.
            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
            new ChannelInboundHandlerAdapter() {
              // A connection error (a bad preface or frame): the codec has sent GOAWAY.
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                result.tryFailure(cause);
              }
            });
    new Http2StreamChannelBootstrap(ch)
        .handler(new ResponseHandler(result))
        .open()
        .addListener(
            (Future<Http2StreamChannel> f) -> {
              if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
              }
              Http2StreamChannel stream = f.getNow();
              byte[] body = request.body();
              stream.write(new DefaultHttp2HeadersFrame(request.headers(ch), body == null));
              if (body != null) {
                stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
              }
              stream.flush();
            });
  }

  /** Collects one response; accessed only from the check's event loop. */
  private final class ResponseHandler extends SimpleChannelInboundHandler<Http2StreamFrame> {
    private final Promise<Void> result;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Http2Headers headers;
    private Http2Headers trailers;

    ResponseHandler(Promise<Void> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      boolean end = false;
      if (frame instanceof Http2HeadersFrame h) {
        if (headers == null || isInterim(headers)) {
          headers = h.headers();
        } else {
          trailers = h.headers();
        }
        end = h.isEndStream();
      } else if (frame instanceof Http2DataFrame d) {
        copy(d.content());
        end = d.isEndStream();
      }
      if (end) {
        String reason = verdict.judge(headers, trailers, body.toByteArray());
        if (reason == null) {
          result.trySuccess(null);
        } else {
          result.tryFailure(new IOException(reason));
        }
      }
    }

    private void copy(ByteBuf content) {
      int n = Math.min(content.readableBytes(), MAX_BODY - body.size());
      if (n > 0) {
        byte[] bytes = new byte[n];
        content.getBytes(content.readerIndex(), bytes);
        body.writeBytes(bytes);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.tryFailure(new IOException("stream closed before the response ended"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.tryFailure(cause);
    }
  }

  /** RFC 9113 §8.1: 1xx heads may come before the final one. */
  private static boolean isInterim(Http2Headers h) {
    CharSequence status = h.status();
    return status != null && status.length() == 3 && status.charAt(0) == '1';
  }
}
