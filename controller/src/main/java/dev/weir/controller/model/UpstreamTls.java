package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;

/**
 * How the data plane must verify a backend's TLS server, from a BackendTLSPolicy; mirrors {@code
 * weir.config.v1.UpstreamTls}. Holds CA certificates only (public data).
 *
 * @param sni the policy's {@code hostname}: sent as SNI, and the name to verify when {@code
 *     subjectAltNames} is empty
 * @param caCertificatesPem the PEM CA bundles of every {@code caCertificateRefs} ConfigMap,
 *     concatenated in ref order; empty with {@code systemTrust}
 * @param systemTrust {@code wellKnownCACertificates: System}
 * @param subjectAltNames DNS names and URIs (a URI contains {@code ':'}), in spec order
 * @param clientSecret the {@link TlsBundle} ("namespace/name") presented as the client certificate
 *     (a Gateway's {@code spec.tls.backend.clientCertificateRef}), or "" for none
 */
public record UpstreamTls(
    String sni,
    String caCertificatesPem,
    boolean systemTrust,
    List<String> subjectAltNames,
    String clientSecret) {

  public UpstreamTls {
    Objects.requireNonNull(sni, "sni");
    Objects.requireNonNull(caCertificatesPem, "caCertificatesPem");
    subjectAltNames = List.copyOf(subjectAltNames);
    Objects.requireNonNull(clientSecret, "clientSecret");
  }

  /** Verification settings without a client certificate. */
  public UpstreamTls(
      String sni, String caCertificatesPem, boolean systemTrust, List<String> subjectAltNames) {
    this(sni, caCertificatesPem, systemTrust, subjectAltNames, "");
  }

  /** These settings presenting the client certificate {@code secret}. */
  public UpstreamTls withClientSecret(String secret) {
    return new UpstreamTls(sni, caCertificatesPem, systemTrust, subjectAltNames, secret);
  }
}
