package dev.weir.dataplane.upstream;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One upstream address and how it is spoken to, and the key of its connection pool: pools survive a
 * snapshot swap as long as the endpoint is still present with the same TLS setting. Immutable.
 *
 * @param address an IP address literal
 * @param port the TCP port
 * @param tls the TLS setting, or null for cleartext
 */
public record UpstreamEndpoint(String address, int port, UpstreamTls tls) {

  public UpstreamEndpoint {
    Objects.requireNonNull(address, "address");
  }

  /** A cleartext endpoint. */
  public UpstreamEndpoint(String address, int port) {
    this(address, port, null);
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

  /** {@code address:port}, with an IPv6 address in brackets: a Host value (RFC 9110 §7.2). */
  public String authority() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }

  /**
   * Written out rather than left to the record's generated method: a snapshot's compile hashes
   * every endpoint into one set (100,000 at scale), and this is cheaper than the generic one.
   */
  @Override
  public int hashCode() {
    return (address.hashCode() * 31 + port) * 31 + Objects.hashCode(tls);
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof UpstreamEndpoint e
            && port == e.port
            && address.equals(e.address)
            && Objects.equals(tls, e.tls);
  }

  @Override
  public String toString() {
    return tls == null ? authority() : authority() + " " + tls;
  }
}
