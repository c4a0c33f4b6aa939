package dev.weir.controller.translate;

import dev.weir.controller.model.Cluster;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.Set;

/**
 * Which Service ports are spoken to over TLS, and with which HTTP version. A port is TLS when a
 * BackendTLSPolicy targets it, or when its {@code appProtocol} says so: {@code https}, {@code
 * kubernetes.io/wss} (KEP-3726) or {@code kubernetes.io/h2} (HTTP/2 over TLS). Over TLS, HTTP/2 is
 * negotiated by ALPN ({@link Cluster.Protocol#H2}) for {@code kubernetes.io/h2}, {@code
 * kubernetes.io/h2c} and GRPCRoute backends; everything else is HTTP/1.1. Stateless.
 */
final class UpstreamTlsProtocols {

  /** Appended to the name of a cluster spoken to over TLS. */
  static final String TLS_SUFFIX = "~tls";

  /** appProtocol values that mean TLS. */
  static final Set<String> TLS_APP_PROTOCOLS =
      Set.of("https", "kubernetes.io/wss", "kubernetes.io/h2");

  private UpstreamTlsProtocols() {}

  /** Whether {@code port}'s appProtocol asks for TLS. */
  static boolean requiresTls(ServicePort port) {
    return port.getAppProtocol() != null && TLS_APP_PROTOCOLS.contains(port.getAppProtocol());
  }

  /** The protocol over TLS for a port that would otherwise use {@code protocol}. */
  static Cluster.Protocol overTls(Cluster.Protocol protocol, ServicePort port) {
    return protocol == Cluster.Protocol.HTTP1 && !"kubernetes.io/h2".equals(port.getAppProtocol())
        ? Cluster.Protocol.HTTP1
        : Cluster.Protocol.H2;
  }
}
