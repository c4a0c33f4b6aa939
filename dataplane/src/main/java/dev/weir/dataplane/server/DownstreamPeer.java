package dev.weir.dataplane.server;

import dev.weir.dataplane.routing.MisdirectedRequests;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/**
 * Who is at the other end of one downstream connection (or HTTP/2 stream): the client's address and
 * the server name its TLS handshake asked for. Each is read on first use and kept: neither can
 * change during a connection, and most requests need neither twice.
 *
 * <p>Accessed only from the channel's event loop.
 */
final class DownstreamPeer {

  private final Channel channel;
  private final boolean secure;
  private String clientIp;
  private String sni;
  private boolean sniRead;

  /**
   * @param channel the connection, or an HTTP/2 stream of it
   * @param secure whether the connection was accepted on a TLS listener
   */
  DownstreamPeer(Channel channel, boolean secure) {
    this.channel = channel;
    this.secure = secure;
  }

  /** The client's IP address as text, or "unknown". */
  String clientIp() {
    if (clientIp == null) {
      clientIp =
          channel.remoteAddress() instanceof InetSocketAddress a
              ? a.getAddress().getHostAddress()
              : "unknown";
    }
    return clientIp;
  }

  /**
   * The server name this connection's TLS handshake asked for, or null (cleartext, no SNI). The
   * handshake ended before the first request, so the session already holds it.
   */
  String sniHost() {
    if (!sniRead) {
      sniRead = true;
      // An HTTP/2 stream's TLS lives on its parent, the connection.
      Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
      SslHandler ssl = secure ? connection.pipeline().get(SslHandler.class) : null;
      sni = ssl == null ? null : MisdirectedRequests.requestedServerName(ssl.engine().getSession());
    }
    return sni;
  }
}
