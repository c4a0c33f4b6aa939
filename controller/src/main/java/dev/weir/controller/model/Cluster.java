package dev.weir.controller.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream pool: one Service port and its ready endpoints, spoken to with one protocol.
 *
 * @param name {@code "namespace/service:port"}, plus {@code "~h2c"} when the protocol is H2C but
 *     the Service port does not say so (a GRPCRoute backend on a plain port), so that an HTTPRoute
 *     and a GRPCRoute to the same port get two pools
 * @param endpoints ready, non-terminating endpoints, sorted; may be empty (the data plane answers
 *     503)
 * @param connectTimeout the connect timeout
 * @param responseTimeout from the request's last byte to the response's first byte
 * @param protocol how the data plane talks to the endpoints
 * @param tls how TLS to the endpoints is verified (BackendTLSPolicy), or null for cleartext
 * @param backend load balancing, health and resilience (BackendPolicy), {@link
 *     BackendSettings#NONE} without a policy
 */
public record Cluster(
    String name,
    List<Endpoint> endpoints,
    Duration connectTimeout,
    Duration responseTimeout,
    Protocol protocol,
    UpstreamTls tls,
    BackendSettings backend) {

  /** The upstream protocol; mirrors {@code weir.config.v1.Cluster.Protocol}. */
  public enum Protocol {
    /** HTTP/1.1 with keep-alive; WebSocket upgrades pass through. */
    HTTP1,
    /** HTTP/2 over cleartext with prior knowledge (RFC 9113 §3.3). */
    H2C,
    /** HTTP/2 over TLS, negotiated by ALPN (RFC 9113 §3.2); needs {@code tls}. */
    H2
  }

  public Cluster {
    Objects.requireNonNull(name, "name");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(backend, "backend");
  }

  /** A cluster without a BackendPolicy. */
  public Cluster(
      String name,
      List<Endpoint> endpoints,
      Duration connectTimeout,
      Duration responseTimeout,
      Protocol protocol,
      UpstreamTls tls) {
    this(name, endpoints, connectTimeout, responseTimeout, protocol, tls, BackendSettings.NONE);
  }

  /** A cleartext cluster. */
  public Cluster(
      String name,
      List<Endpoint> endpoints,
      Duration connectTimeout,
      Duration responseTimeout,
      Protocol protocol) {
    this(name, endpoints, connectTimeout, responseTimeout, protocol, null);
  }

  /**
   * A copy of this TLS cluster named {@code copyName} whose connections present the client
   * certificate {@code secret} (a {@link TlsBundle} name).
   */
  public Cluster presentingClientCertificate(String copyName, String secret) {
    if (tls == null) {
      throw new IllegalStateException("cluster " + name + " does not use TLS");
    }
    return new Cluster(
        copyName,
        endpoints,
        connectTimeout,
        responseTimeout,
        protocol,
        tls.withClientSecret(secret));
  }
}
