package dev.weir.dataplane.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Drains an HTTP/1.x client connection on {@link DrainSignal}: an idle connection is closed at
 * once; a connection with a request in flight gets {@code Connection: close} on its response (RFC
 * 9112 §9.6) when the head is still to be written, and is closed once the response's last part is
 * written. A WebSocket tunnel (after a 101) is left to finish on its own until the drain period
 * ends.
 *
 * <p>Sits between the response encoder and {@link ProxyHandler}, so it sees each request head read
 * and each response part written. Accessed only from the channel's event loop. Passes every message
 * on unchanged except for the added header; owns no buffers.
 */
final class Http1DrainHandler extends ChannelDuplexHandler {

  private boolean draining;
  private boolean inFlight;
  private boolean tunnel;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      inFlight = true;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean interim = false;
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      tunnel |= code == 101;
      interim = code < 200;
      if (draining && !interim) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }
    if (!(msg instanceof LastHttpContent) || interim || tunnel) {
      ctx.write(msg, promise);
      return;
    }
    inFlight = false;
    if (!draining) {
      ctx.write(msg, promise);
      return;
    }
    ChannelPromise written = promise.unvoid();
    written.addListener(ChannelFutureListener.CLOSE);
    ctx.writeAndFlush(msg, written);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt != DrainSignal.INSTANCE) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    draining = true;
    if (!inFlight && !tunnel) {
      ctx.close();
    }
  }
}
