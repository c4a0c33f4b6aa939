package dev.weir.dataplane.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * After the TLS handler of an HTTPS client connection: once the handshake is done, has {@link
 * ProtocolPipelines} complete the pipeline for the protocol chosen by ALPN (RFC 7301): {@code h2}
 * for HTTP/2 (RFC 9113 §3.2), else HTTP/1.1 (also for clients that offer no ALPN).
 *
 * <p>Reads are off: this handler asks for the first read, which starts the handshake. Accessed only
 * from the channel's event loop.
 */
final class AlpnSelector extends ApplicationProtocolNegotiationHandler {

  private final ProtocolPipelines pipelines;

  AlpnSelector(ProtocolPipelines pipelines) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.pipelines = pipelines;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Withheld from the handlers to come: they are told once added.
    ctx.read();
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      pipelines.http2(ctx);
    } else {
      pipelines.http1(ctx);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    // A failed handshake is the client's business: close quietly, as the HTTP/1 path did.
    ctx.close();
  }
}
