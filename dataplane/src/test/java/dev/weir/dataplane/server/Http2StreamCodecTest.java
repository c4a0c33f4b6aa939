package dev.weir.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dataplane.filter.ErrorKind;
import dev.weir.dataplane.filter.ProxyError;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client stream's one codec: translation, extended CONNECT and malformed heads. */
class Http2StreamCodecTest {

  private final EmbeddedChannel stream = new EmbeddedChannel(Http2StreamCodec.INSTANCE);

  @AfterEach
  void nothingLeaks() {
    Object msg;
    while ((msg = stream.readInbound()) != null) {
      ReferenceCountUtil.release(msg);
    }
    assertThat(stream.finishAndReleaseAll()).isFalse();
  }

  private static final Http2FrameStream STREAM_3 =
      new Http2FrameStream() {
        @Override
        public int id() {
          return 3;
        }

        @Override
        public Http2Stream.State state() {
          return Http2Stream.State.OPEN;
        }
      };

  private static Http2Headers head(String method) {
    return new DefaultHttp2Headers()
        .method(method)
        .scheme("http")
        .authority("a.example")
        .path("/chat");
  }

  @Test
  void extendedConnectForWebSocketBecomesAnHttp1UpgradeThatEndsAtItsHead() {
    Http2Headers h = head("CONNECT").set(":protocol", "websocket");
    stream.writeInbound(new DefaultHttp2HeadersFrame(h, false));

    HttpRequest request = stream.readInbound();
    assertThat(request.method()).isEqualTo(HttpMethod.GET);
    assertThat(request.headers().get(HttpHeaderNames.UPGRADE)).isEqualTo("websocket");
    assertThat(request.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("upgrade");
    assertThat(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY)).hasSize(24);
    assertThat(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION)).isEqualTo("13");
    assertThat(request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
    LastHttpContent end = stream.readInbound();
    assertThat(end.content().readableBytes()).isZero();
    end.release();
    assertThat((Object) stream.readInbound()).isNull();
  }

  @Test
  void plainRequestPassesAsHttp1WithAChunkedBody() {
    stream.writeInbound(new DefaultHttp2HeadersFrame(head("POST"), false));
    stream.writeInbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {1}), true));

    HttpRequest request = stream.readInbound();
    assertThat(request.method()).isEqualTo(HttpMethod.POST);
    assertThat(request.headers().contains(HttpHeaderNames.UPGRADE)).isFalse();
    assertThat(request.headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
    HttpContent body = stream.readInbound();
    assertThat(body).isInstanceOf(LastHttpContent.class);
    assertThat(body.content().readableBytes()).isEqualTo(1);
    body.release();
  }

  @Test
  void headWhoseHostNamesAnotherEntityBecomesABadRequestError() {
    Http2Headers h = head("GET").set("host", "b.example");
    // A stream error needs a stream: on stream 0 it would be the connection's.
    stream.writeInbound(new DefaultHttp2HeadersFrame(h, true).stream(STREAM_3));

    ProxyError error = stream.readInbound();
    assertThat(error.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
    assertThat(error.detail()).startsWith("malformed HTTP/2 request");
  }

  @Test
  void malformedTrailersFailTheStreamAsBefore() {
    stream.writeInbound(new DefaultHttp2HeadersFrame(head("POST"), false));
    HttpRequest request = stream.readInbound();
    assertThat(request).isNotNull();

    Http2Headers trailers = new DefaultHttp2Headers().set("host", "b.example");
    trailers.set(Http2Headers.PseudoHeaderName.AUTHORITY.value(), "a.example");
    // Trailers may carry no pseudo-header field (RFC 9113 §8.1); the translation refuses them.
    assertThatThrownBy(() -> stream.writeInbound(new DefaultHttp2HeadersFrame(trailers, true)))
        .isInstanceOf(DecoderException.class);
  }
}
