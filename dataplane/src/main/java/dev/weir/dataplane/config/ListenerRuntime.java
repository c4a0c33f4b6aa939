package dev.weir.dataplane.config;

import dev.weir.dataplane.routing.HostMatcher;
import dev.weir.dataplane.routing.MisdirectedRequests;
import dev.weir.dataplane.routing.RouteTableMatcher;
import io.netty.handler.ssl.SslContext;
import java.util.Objects;

/**
 * One listener of a {@link RuntimeConfig}. Immutable.
 *
 * @param name the listener's name
 * @param port the TCP port, which identifies the listener across snapshots
 * @param secure whether it terminates TLS (HTTPS)
 * @param routes its compiled route table
 * @param certificates for HTTPS: the context by SNI host, the default as catch-all; else null
 * @param misdirected for HTTPS: which hosts a connection's SNI does not cover (421); else NONE
 */
public record ListenerRuntime(
    String name,
    int port,
    boolean secure,
    RouteTableMatcher routes,
    HostMatcher<SslContext> certificates,
    MisdirectedRequests misdirected) {

  public ListenerRuntime {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(misdirected, "misdirected");
    Objects.requireNonNull(routes, "routes");
    if (secure) {
      Objects.requireNonNull(certificates, "certificates");
    }
  }

  /** A listener that detects no misdirected requests. */
  public ListenerRuntime(
      String name,
      int port,
      boolean secure,
      RouteTableMatcher routes,
      HostMatcher<SslContext> certificates) {
    this(name, port, secure, routes, certificates, MisdirectedRequests.NONE);
  }

  /** The context for a TLS handshake that asked for {@code sniHost} (may be null). */
  public SslContext certificateFor(String sniHost) {
    return certificates.match(sniHost == null ? null : HostMatcher.normalizeHost(sniHost));
  }

  @Override
  public String toString() {
    return "ListenerRuntime[" + name + " :" + port + (secure ? " HTTPS" : " HTTP") + "]";
  }
}
