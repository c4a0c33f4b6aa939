package dev.weir.dataplane.server;

import io.netty.channel.ChannelHandlerContext;

/**
 * Completes a client connection's pipeline once its protocol is known, after the handler at {@code
 * ctx} (which removes itself right after). Called on the channel's event loop.
 */
interface ProtocolPipelines {

  /** HTTP/1.x: the request decoder, response encoder and proxy handler. */
  void http1(ChannelHandlerContext ctx);

  /** HTTP/2: the frame codec and a proxy handler per stream. */
  void http2(ChannelHandlerContext ctx);
}
