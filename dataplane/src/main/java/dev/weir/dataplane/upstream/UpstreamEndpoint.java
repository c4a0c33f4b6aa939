package dev.weir.dataplane.upstream;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One upstream address, and the key of its connection pool: pools survive a snapshot swap as long
 * as the endpoint is still present. Immutable.
 *
 * @param address an IP address literal
 * @param port the TCP port
 */
public record UpstreamEndpoint(String address, int port) {

  public UpstreamEndpoint {
    Objects.requireNonNull(address, "address");
  }

  /**
   * Checks that the address is an IP literal and the port is valid; never resolves names, so this
   * never blocks.
   *
   * @return the socket address, or {@code null} when invalid
   */
  public InetSocketAddress toSocketAddress() {
    if (port < 1 || port > 65535) {
      return null;
    }
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
    return ip == null ? null : new InetSocketAddress(ip, port);
  }

  @Override
  public String toString() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }
}
