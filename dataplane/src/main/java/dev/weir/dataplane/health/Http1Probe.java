package dev.weir.dataplane.health;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import java.io.IOException;

/**
 * The HTTP check over HTTP/1.1: {@code GET path} with the configured Host (RFC 9112 §3.2: HTTP/1.1
 * requires one) and {@code Connection: close}, as each check uses a connection of its own; the
 * endpoint is healthy when the response status is one of the expected ranges. The body is not read.
 * Immutable; any thread.
 */
final class Http1Probe implements HealthProbe {

  static final String USER_AGENT = "weir-health-check";

  private final HealthCheckSettings.Http http;

  Http1Probe(HealthCheckSettings.Http http) {
    this.http = http;
  }

  @Override
  public boolean h2() {
    return false;
  }

  @Override
  public void exchange(Channel ch, Promise<Void> result) {
    ch.pipeline().addLast(new HttpClientCodec(), new StatusHandler(result));
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, http.path());
    request.headers().set(HttpHeaderNames.HOST, HealthProbes.authority(http.host(), ch));
    request.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ch.writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                result.tryFailure(f.cause());
              }
            });
  }

  /** Decides on the response head; accessed only from the check's event loop. */
  private final class StatusHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Promise<Void> result;

    StatusHandler(Promise<Void> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        int status = response.status().code();
        if (response.decoderResult().isFailure()) {
          result.tryFailure(new IOException("malformed response"));
        } else if (http.expects(status)) {
          result.trySuccess(null);
        } else {
          result.tryFailure(new IOException("status " + status));
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.tryFailure(new IOException("connection closed before a response"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.tryFailure(cause);
    }
  }
}
