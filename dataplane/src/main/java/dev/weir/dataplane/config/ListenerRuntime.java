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
 * @param sniNames for HTTPS: the configured certificate hostname an SNI matches (no catch-all), the
 *     bounded {@code sni} label of the TLS handshake meters; else null
 */
public record ListenerRuntime(
    String name,
    int port,
    boolean secure,
    RouteTableMatcher routes,
    HostMatcher<SslContext> certificates,
    MisdirectedRequests misdirected,
    HostMatcher<String> sniNames) {

  public ListenerRuntime {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(misdirected, "misdirected");
    Objects.requireNonNull(routes, "routes");
    if (secure) {
      Objects.requireNonNull(certificates, "certificates");
    }
  }

  /** A listener whose handshakes are labelled by no certificate hostname. */
  public ListenerRuntime(
      String name,
      int port,
      boolean secure,
      RouteTableMatcher routes,
      HostMatcher<SslContext> certificates,
      MisdirectedRequests misdirected) {
    this(name, port, secure, routes, certificates, misdirected, null);
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

  /**
   * The {@code sni} label of a handshake that asked for {@code sniHost}: the configured certificate
   * hostname it matched, {@code "none"} without SNI, else {@code "unknown"}.
   */
  public String sniLabel(String sniHost) {
    if (sniHost == null) {
      return "none";
    }
    String name = sniNames == null ? null : sniNames.match(HostMatcher.normalizeHost(sniHost));
    return name == null ? "unknown" : name;
  }

  @Override
  public String toString() {
    return "ListenerRuntime[" + name + " :" + port + (secure ? " HTTPS" : " HTTP") + "]";
  }
}
