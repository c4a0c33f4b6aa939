package dev.weir.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One side of a {@link WebSocketTunnel}: relays the bytes read from its channel to the peer channel
 * unchanged, once both connections left HTTP after a {@code 101} (RFC 9110 §7.8). Flow control and
 * lifecycle are {@link TunnelRelay}'s; anything but a {@link ByteBuf} (the codec's empty end after
 * the 101) is released, not relayed.
 *
 * <p>Accessed only from the channels' event loop (both channels share it).
 */
final class TunnelHandler extends TunnelRelay {

  TunnelHandler(Channel peer) {
    super(peer);
  }

  @Override
  Object toPeer(Object msg) {
    return msg instanceof ByteBuf buf ? buf : null;
  }
}
